import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from vitrina.catalog.covers import (
    FONT_PATH,
    PALETTE,
    CoverError,
    cover_colour,
    fetch_cover,
    render_cover,
)

from .http_doubles import Double, QuietHandler


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_palette_keeps_white_text_readable():
    for colour in PALETTE:
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour


def test_colour_is_deterministic_and_varies():
    assert cover_colour("Хирургия сердца") == cover_colour("  хирургия   СЕРДЦА ")
    colours = {cover_colour(f"Книга {number}") for number in range(60)}
    assert len(colours) > len(PALETTE) // 2


def test_bundled_font_has_cyrillic_glyphs():
    font = ImageFont.truetype(str(FONT_PATH), 40)

    def glyph(letter, font=font):
        image = Image.new("L", (60, 60))
        ImageDraw.Draw(image).text((5, 5), letter, font=font, fill=255)
        return image.tobytes()

    missing = glyph("\U000e0fff")
    for letter in "АБВЖЩЫЯабвжщыяЁё":
        assert glyph(letter) != missing, letter
    # Pillow's own font draws every one of them as the same empty box.
    builtin = ImageFont.load_default(size=40)
    assert glyph("Ж", builtin) == glyph("Щ", builtin)


def test_render_cover_png():
    data = render_cover("Очерки гнойной хирургии", "В. Ф. Войно-Ясенецкий")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (600, 900)
    background = tuple(
        int(cover_colour("Очерки гнойной хирургии")[i : i + 2], 16) for i in (1, 3, 5)
    )
    assert image.getpixel((5, 5)) == background
    # Text was drawn: there are white pixels in the title area.
    assert (255, 255, 255) in {image.getpixel((x, 240)) for x in range(40, 560)} | {
        image.getpixel((x, y)) for x in range(40, 560, 3) for y in range(200, 420, 3)
    }
    assert render_cover("Очерки гнойной хирургии", "В. Ф. Войно-Ясенецкий") == data


def test_long_titles_are_shortened_to_fit():
    title = " ".join(["Знаменательные и памятные даты в медицине"] * 12)
    image = Image.open(io.BytesIO(render_cover(title, size=(300, 450))))
    assert image.size == (300, 450)


def image_bytes(size, fmt):
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format=fmt)
    return out.getvalue()


class CoverHandler(QuietHandler):
    def do_GET(self):
        routes = {
            "/cover.jpg": (200, image_bytes((200, 300), "JPEG"), "image/jpeg"),
            "/cover.png": (200, image_bytes((200, 300), "PNG"), "image/png"),
            "/pixel.gif": (200, image_bytes((1, 1), "GIF"), "image/gif"),
            "/page.html": (200, b"<html></html>", "text/html"),
            "/liar.png": (200, image_bytes((200, 300), "JPEG"), "image/png"),
            "/broken.jpg": (200, b"\xff\xd8 not really", "image/jpeg"),
            "/huge.png": (200, image_bytes((1500, 1500), "PNG"), "image/png"),
        }
        status, body, content_type = routes.get(self.path, (404, b"", "text/plain"))
        self.send(status, body, content_type)


@pytest.fixture
def covers():
    server = Double(CoverHandler).start()
    yield server
    server.stop()


def test_fetch_cover(covers):
    cover = fetch_cover(f"{covers.url}/cover.jpg", allow_private=True)
    assert (cover.content_type, cover.width, cover.height, cover.extension) == (
        "image/jpeg",
        200,
        300,
        "jpg",
    )
    assert fetch_cover(f"{covers.url}/cover.png", allow_private=True).extension == "png"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.jpg", "HTTP 404"),
        ("/page.html", "not an image"),
        ("/pixel.gif", "placeholder"),
        ("/liar.png", "not image/png"),
        ("/broken.jpg", "not a readable image"),
    ],
)
def test_fetch_cover_refuses(covers, path, reason):
    with pytest.raises(CoverError, match=reason):
        fetch_cover(f"{covers.url}{path}", allow_private=True)


def test_fetch_cover_size_limit(covers):
    with pytest.raises(CoverError, match="larger than"):
        fetch_cover(f"{covers.url}/huge.png", max_bytes=2000, allow_private=True)


def test_fetch_cover_needs_a_web_address():
    with pytest.raises(CoverError):
        fetch_cover("file:///etc/passwd")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/cover.png", "http://10.0.0.5/cover.png", "http://[::1]/cover.png"],
)
def test_fetch_cover_refuses_the_local_network(url):
    with pytest.raises(CoverError, match="not a public address"):
        fetch_cover(url)
