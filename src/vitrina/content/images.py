"""Turning an uploaded picture into one every network accepts: JPEG or PNG, not too large."""

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from vitrina.core.exceptions import ServiceError

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
# VK: width + height ≤ 14000; Telegram: width + height ≤ 10000 and 10 MB; OK and MAX are
# more generous. 2560 on the long side satisfies all of them and keeps photos sharp.
MAX_SIDE = 2560
# Decoded pixels are what costs memory (4 bytes each), not the file's size: a 1 MB PNG can
# hold 60 megapixels. JPEG is decoded at a reduced scale straight to about MAX_SIDE (its
# decoder can skip detail), so a camera's photo stays cheap; every other format is decoded
# in full first, and is held to a lower count.
MAX_PIXELS = 60_000_000
MAX_FULL_DECODE_PIXELS = 25_000_000
DRAFT_FORMATS = {"JPEG", "MPO"}
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}


@dataclass
class Converted:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def _check_pixels(image: Image.Image, name: str) -> None:
    """Refuse before decoding: the size is in the file's header."""
    pixels = image.width * image.height
    limit = MAX_PIXELS if image.format in DRAFT_FORMATS else MAX_FULL_DECODE_PIXELS
    if pixels <= limit:
        return
    if image.format in DRAFT_FORMATS:
        message = _(
            "%(name)s: the picture is too large (%(pixels)s megapixels, %(width)s × %(height)s); "
            "at most %(limit)s megapixels are accepted. Save it smaller and upload it again."
        )
    else:
        message = _(
            "%(name)s: the picture is too large (%(pixels)s megapixels, %(width)s × %(height)s); "
            "at most %(limit)s megapixels are accepted in this format. Save it smaller or as "
            "JPEG and upload it again."
        )
    raise ServiceError(
        message
        % {
            "name": name,
            "pixels": round(pixels / 1_000_000),
            "width": image.width,
            "height": image.height,
            "limit": limit // 1_000_000,
        },
        field="file",
    )


def convert_image(data: bytes, *, name: str = "") -> Converted:
    """Checks, rotates by EXIF, shrinks and re-encodes an image; refuses what is not one."""
    if not data:
        raise ServiceError(_("The file %(name)s is empty.") % {"name": name}, field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError(
            _("The file %(name)s is larger than 30 MB.") % {"name": name}, field="file"
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise ServiceError(
                _("%(name)s: this kind of file is not supported; use JPEG, PNG, GIF or WEBP.")
                % {"name": name},
                field="file",
            )
        _check_pixels(image, name)
        if image.format in DRAFT_FORMATS:
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ServiceError(
            _("%(name)s is not a picture or is damaged.") % {"name": name}, field="file"
        ) from None
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Turned after shrinking: the turn copies the picture, and a small copy is cheap.
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if has_alpha:
        image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=88, optimize=True, progressive=True)
        content_type, extension = "image/jpeg", "jpg"
    content = out.getvalue()
    return Converted(
        content=content,
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )
