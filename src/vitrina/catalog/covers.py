"""Book covers: a generated one when the catalogue has none, or one fetched from a link.

Generated covers put the title and author on a background colour chosen from the title,
so a book keeps its colour everywhere. The font is bundled (DejaVu Sans Condensed Bold)
because Pillow's built-in font has no Cyrillic and a server may have no fonts at all.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import socket
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

FONT_PATH = Path(__file__).parent / "data" / "fonts" / "DejaVuSansCondensed-Bold.ttf"
COVER_SIZE = (600, 900)
# Dark, saturated backgrounds: white text on each has a contrast ratio above 4.5:1.
PALETTE = (
    "#1f4e79",
    "#7b2d26",
    "#2e5e3e",
    "#5b2a6e",
    "#8a4b08",
    "#264653",
    "#6d214f",
    "#3d405b",
    "#0b5563",
    "#7f1d1d",
    "#14532d",
    "#4338ca",
)
ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
MAX_COVER_BYTES = 5 * 1024 * 1024
MIN_COVER_SIDE = 50


def cover_colour(title: str) -> str:
    """The background for a title: the same title always gets the same colour."""
    key = " ".join(title.lower().split()).encode("utf-8")
    return PALETTE[int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % len(PALETTE)]


def _font(size: int, font_path: Path | None) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path or FONT_PATH), size)


def _fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    *,
    width: int,
    height: int,
    largest: int,
    smallest: int,
    font_path: Path | None,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which ``text`` wrapped into lines fits the box."""
    for size in range(largest, smallest - 1, -4):
        font = _font(size, font_path)
        average = max(font.getlength("оеанит") / 6, 1)
        lines = textwrap.wrap(text, width=max(int(width / average), 4)) or [""]
        widest = max(draw.textlength(line, font=font) for line in lines)
        if widest <= width and len(lines) * size * 1.25 <= height:
            return font, lines
    font = _font(smallest, font_path)
    average = max(font.getlength("оеанит") / 6, 1)
    lines = textwrap.wrap(text, width=max(int(width / average), 4))
    fitting = max(int(height / (smallest * 1.25)), 1)
    if len(lines) > fitting:
        lines = lines[:fitting]
        lines[-1] = lines[-1].rstrip(" .,:;") + "…"
    return font, lines


def render_cover(
    title: str,
    author: str = "",
    *,
    size: tuple[int, int] = COVER_SIZE,
    font_path: Path | None = None,
) -> bytes:
    """A PNG cover with the title and the author on the title's colour."""
    width, height = size
    margin = width // 12
    image = Image.new("RGB", size, cover_colour(title))
    draw = ImageDraw.Draw(image)
    # A light rule under the author, as on a printed cover.
    draw.rectangle([margin, height // 6, width - margin, height // 6 + 3], fill="#ffffff")
    if author:
        author_font, author_lines = _fit(
            draw,
            author,
            width=width - 2 * margin,
            height=height // 8,
            largest=width // 14,
            smallest=max(width // 30, 10),
            font_path=font_path,
        )
        y = height // 6 - margin // 2 - len(author_lines) * author_font.size * 1.25
        for line in author_lines:
            draw.text((margin, y), line, font=author_font, fill="#f1f1f1")
            y += author_font.size * 1.25
    title_font, title_lines = _fit(
        draw,
        title,
        width=width - 2 * margin,
        height=height * 2 // 3 - margin,
        largest=width // 8,
        smallest=max(width // 24, 10),
        font_path=font_path,
    )
    y = height // 6 + margin
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill="#ffffff")
        y += title_font.size * 1.25
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class CoverError(Exception):
    """The link gave no usable cover; the message says why."""


@dataclass
class FetchedCover:
    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES[self.content_type]


def _public_host(url: str) -> bool:
    """Whether every address the URL's host resolves to is on the public internet."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False
    return all(ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


def fetch_cover(
    url: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_COVER_BYTES,
    timeout: float = 10.0,
    allow_private: bool = False,
) -> FetchedCover:
    """Download a cover image, refusing what is not an image, too large or a placeholder.

    Addresses inside the server's own network are refused unless ``allow_private`` is set,
    so that a link in a record cannot make the server fetch internal pages.
    """
    if not url.startswith(("http://", "https://")):
        raise CoverError(f"not a web address: {url}")
    if not allow_private and not _public_host(url):
        raise CoverError(f"not a public address: {url}")
    # Redirects are not followed: each would need the same check of where it leads.
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise CoverError(f"the server answered HTTP {response.status_code}")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type not in ALLOWED_TYPES:
                raise CoverError(f"not an image: {content_type or 'no content type'}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise CoverError(f"the image is larger than {max_bytes} bytes")
            content = b""
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > max_bytes:
                    raise CoverError(f"the image is larger than {max_bytes} bytes")
    except httpx.HTTPError as exc:
        raise CoverError(f"the cover could not be downloaded: {exc}") from exc
    finally:
        if client is None:
            http.close()
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            width, height = image.size
            detected = Image.MIME.get(image.format or "", "")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise CoverError("the file is not a readable image") from exc
    if detected != content_type:
        raise CoverError(f"the file is {detected or 'unknown'}, not {content_type}")
    if min(width, height) < MIN_COVER_SIDE:
        raise CoverError(f"the image is a {width}x{height} placeholder, not a cover")
    return FetchedCover(content=content, content_type=content_type, width=width, height=height)
