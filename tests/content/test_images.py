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
