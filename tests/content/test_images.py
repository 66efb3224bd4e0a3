import io

import pytest
from PIL import Image

from tests.images import image_bytes
from vitrina.content.images import MAX_SIDE, convert_image
from vitrina.content.services.media import media_upload
from vitrina.core.exceptions import ServiceError


def test_large_images_are_reduced_and_converted_to_jpeg():
    converted = convert_image(image_bytes(4000, 3000, fmt="WEBP"), name="scan.webp")
    assert converted.content_type == "image/jpeg"
    assert max(converted.width, converted.height) == MAX_SIDE
    assert Image.open(io.BytesIO(converted.content)).format == "JPEG"


def test_transparent_images_stay_png():
    converted = convert_image(image_bytes(fmt="PNG", mode="RGBA"), name="logo.png")
    assert converted.content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.jpg"),
        (b"not an image at all", "text.jpg"),
        (image_bytes(fmt="PNG")[:60], "broken.png"),
    ],
)
def test_broken_files_are_refused_with_a_message(data, name):
    with pytest.raises(ServiceError) as error:
        convert_image(data, name=name)
    assert name in error.value.message


def test_same_picture_is_kept_once(organisation, admin):
    data = image_bytes()
    first = media_upload(organisation=organisation, actor=admin, data=data, name="a.png")
    second = media_upload(organisation=organisation, actor=admin, data=data, name="b.png")
    assert first.pk == second.pk
    assert first.file.read()[:4] == b"\x89PNG" or first.content_type == "image/jpeg"


def _large(fmt: str, width: int, height: int) -> bytes:
    out = io.BytesIO()
    # One channel and a flat colour: a small file that claims many pixels, as a bomb does.
    Image.new("L", (width, height), 90).save(out, format=fmt)
    return out.getvalue()


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded():
    from django.utils import translation

    data = _large("PNG", 6000, 5000)
    assert len(data) < 1_000_000
    with translation.override("ru"), pytest.raises(ServiceError) as error:
        convert_image(data, name="poster.png")
    assert error.value.message == (
        "poster.png: изображение слишком большое (30 Мп, 6000 × 5000); в этом формате "
        "принимается не больше 25 Мп. Сохраните его меньшего размера или в JPEG и загрузите "
        "снова."
    )


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    converted = convert_image(_large("JPEG", 6000, 5000), name="photo.jpg")
    assert (converted.width, converted.height) == (MAX_SIDE, round(MAX_SIDE * 5000 / 6000))
