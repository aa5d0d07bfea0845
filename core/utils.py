"""Small helpers shared by the apps."""


def parse_id(value) -> int | None:
    """A positive database id from user input (query string, form data), or None.

    `str.isdigit()` is not enough: it accepts characters such as "²" that int() refuses.
    """
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that Excel would run as a formula (`=HYPERLINK(...)`) is written with a leading
    apostrophe, so typed report text can never execute in whoever opens the export."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
