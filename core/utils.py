"""Small helpers shared by the apps."""

import uuid

from django.db import IntegrityError, connection


def parse_id(value) -> int | None:
    """A positive database id from user input (query string, form data), or None.

    `str.isdigit()` is not enough: it accepts characters such as "²" that int() refuses.
    """
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from user input, or None for anything else."""
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


def single_spaced(text: str) -> str:
    """`text` without spaces around it and with one space wherever it had several (tabs, line
    breaks and the no-break space pasted from a web page count as spaces): how a name is kept,
    so that "Dinas  Sosial " is the name "Dinas Sosial"."""
    return " ".join(text.split())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet program would run as a formula (`=HYPERLINK(...)`, `+1+cmd|...`,
    `@SUM(...)`) gets a leading apostrophe, so typed text can never execute in whoever opens the
    export; the text itself is kept whole. Numbers and dates pass unchanged. For CSV only, where
    the program guesses each cell's type from its text: every CSV export (the portal's and the
    admin's) writes its cells through this one function. A workbook writes text as string cells
    instead (core.sheets.store), which are never formulas and show no apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_unescape(value):
    """The inverse of spreadsheet_safe for a cell read back from a file this portal exported."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def once_more_after_clash(request, respond):
    """`respond()`, and once more if it broke a unique constraint: a form saved twice at the
    same moment (a double tap on "Simpan") passes its unique checks twice before either row is
    written. By the second call the clashing transaction is rolled back and the other one
    committed, so the form's own checks refuse the value next to its field. `respond` must run
    its writes in a transaction of its own."""
    try:
        return respond()
    except IntegrityError:
        for upload in request.FILES.values():
            upload.seek(0)
        return respond()


def lock_for_transaction(*keys: str) -> None:
    """Wait for, then hold until the current transaction ends, a PostgreSQL advisory lock per
    key: requests that check a count, then insert (a throttle), take their turn. Keys are taken
    in sorted order, so two callers never wait on each other's second key."""
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
