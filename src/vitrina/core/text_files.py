"""Reading uploaded text tables (CSV): the encodings Russian office software saves in.

UTF-8 (with or without BOM), UTF-16 (Excel's «Unicode text», with its BOM or, without one,
recognised by its zero bytes) and cp1251. A file with zero bytes that is no UTF-16 is not
text at all, and the person is told so before any of its rows.
"""

from django.utils.translation import gettext as _

from vitrina.core.exceptions import ServiceError

BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[: 4096 - 4096 % 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]

    def high(half: bytes) -> bool:
        # The high byte of Latin letters, digits and punctuation is 0, of Cyrillic 0x04.
        return sum(byte in (0, 4) for byte in half) > len(half) * 0.9

    if high(odd) and not high(even):
        return "utf-16-le"
    if high(even) and not high(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes, *, encoding: str | None = None) -> str:
    """The text of an uploaded table, or a ServiceError saying plainly it is not one."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ServiceError(
                _("The file cannot be read in the chosen encoding %(encoding)s.")
                % {"encoding": encoding},
                field="file",
            ) from None
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    if b"\x00" in data[:4096]:
        raise ServiceError(
            _(
                "This is not a text table (CSV): the file holds binary data. Save the table "
                "as CSV (UTF-8) or XLSX and upload it again."
            ),
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")
