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
MAX_PIXELS = 60_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}


@dataclass
class Converted:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


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
        if image.width * image.height > MAX_PIXELS:
            raise ServiceError(
                _("%(name)s: the picture is too large (over 60 megapixels).") % {"name": name},
                field="file",
            )
        image.load()
        image = ImageOps.exif_transpose(image)
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
