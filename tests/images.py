"""Real image files for tests, made with Pillow."""

import io

from PIL import Image


def image_bytes(width=64, height=48, fmt="PNG", colour=(200, 30, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour if mode != "RGBA" else (*colour, 128)).save(
        out, format=fmt
    )
    return out.getvalue()
