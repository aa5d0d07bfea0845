"""Paginators for tables that may hold millions of rows."""

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, GeneratedField, OrderBy, Q
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: `SELECT COUNT(*)` over everything a person may see reads every
    one of those rows, while counting up to a cap stops after `cap + 1` of them. Below the cap the
    count is exact and pages are numbered; above it `capped` is true, the page says "more than
    10.000", and deeper pages are reached by a cursor (`keyset_page`), which an index serves at
    any depth.

    Counting even `cap + 1` rows costs when each must be tested (a full-text search reads 10,001
    matching rows: 16 ms at 1M reports). For such lists the caller sets `estimate_from`: the
    planner's estimate is asked first (EXPLAIN, no rows read), and when it expects at least that
    many rows, far beyond the cap, the list is taken as capped without counting (`estimated`).
    Should the estimate be that wrong and the rows fit on one page, `keyset_page` counts them
    exactly after all. Off by default: an index-only count of `cap + 1` rows costs less than
    the extra query."""

    cap = 10_000
    # Trust the planner's estimate from this many rows on; None: always count.
    estimate_from = None
    # The exact number of rows when the caller knows it without counting them (e.g. from a
    # summary table kept by the database): no count query, and `total` says it even above the
    # cap. Pages beyond the cap are still reached by cursor.
    known_total = None
    # From this offset on, a numbered page first picks its rows' ids, then loads those rows.
    deferred_join_from = 500
    estimated = False

    @cached_property
    def capped(self) -> bool:
        return self._limited_count > self.cap

    @cached_property
    def _limited_count(self) -> int:
        if not hasattr(self.object_list, "query"):
            return len(self.object_list)
        if self.known_total is not None:
            return min(self.known_total, self.cap + 1)
        queryset = self.object_list.order_by()
        if self.estimate_from and estimated_rows(queryset) >= self.estimate_from:
            self.estimated = True
            return self.cap + 1
        return queryset[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._limited_count, self.cap)

    @property
    def total(self) -> int | None:
        """How many rows there are, when that is known: counted below the cap, or given."""
        if self.known_total is not None:
            return self.known_total
        return None if self.capped else self.count

    def page(self, number):
        """Deep pages skip their OFFSET rows by id alone (no joins, no wide rows), then load the
        page's rows in the same order: a "deferred join"."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deferred_join_from or not hasattr(self.object_list, "query"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    def keyset_page(self, *, after: str = "", before: str = "", last: bool = False):
        """The page after or before a cursor (the sort values of a row), or the last page: a
        `WHERE (sort key, id) beyond the cursor ... LIMIT`, read from the sort's index, costs
        the same on page 2 and on page 40,000. A cursor that does not decode (typed, or from
        another sort) gives the first page."""
        page = self._keyset_page(Keyset(self.object_list), after, before, last)
        if self.estimated and not page.has_other_pages():
            # The estimate was far off: every row is on this page, so this is the count.
            self.__dict__.update(_limited_count=len(page), capped=False, count=len(page))
        return page

    def _keyset_page(self, keyset, after, before, last):
        if last:
            return keyset.page(self.per_page, backwards=True, last=True)
        for token, backwards in ((after, False), (before, True)):
            values = keyset.decode(token) if token else None
            if values is not None:
                return keyset.page(self.per_page, values=values, backwards=backwards)
        return keyset.page(self.per_page)


def estimated_rows(queryset) -> int:
    """How many rows the planner expects the queryset to return (EXPLAIN: planned, not run)."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()  # psycopg loads the json
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass
class KeysetPage:
    """A page reached by cursor: no number, only whether there is more either way and the
    cursors that lead there."""

    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    number: None = None
    keyset: bool = field(default=True, repr=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_other_pages(self):
        return self.has_next or self.has_previous


class Keyset:
    """The ordering of a queryset as keys (name, descending), ending on the primary key.

    Each key must be a column, an annotation or an expression that is never NULL (sort
    expressions with empty values coalesce them to a value beyond the others, see the report
    list's sort), so "beyond the cursor" is a plain comparison."""

    def __init__(self, queryset):
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        self.queryset = queryset
        self.keys: list[tuple[str, bool]] = []
        aliases = {}
        for position, item in enumerate(ordering):
            if isinstance(item, str):
                name, descending = item.lstrip("-"), item.startswith("-")
            elif isinstance(item, OrderBy) and isinstance(item.expression, F):
                name, descending = item.expression.name, item.descending
            elif isinstance(item, OrderBy):
                name, descending = f"keyset_{position}", item.descending
                aliases[name] = item.expression
            else:
                raise TypeError(f"Cannot page {item!r} by cursor")
            self.keys.append(("pk" if name in ("id", "pk") else name, descending))
            if name in ("id", "pk"):
                break
        else:
            self.keys.append(("pk", True))
        if aliases:
            self.queryset = self.queryset.annotate(**aliases)

    def ordered(self, backwards: bool):
        return self.queryset.order_by(
            *[
                F(name).desc() if descending != backwards else F(name).asc()
                for name, descending in self.keys
            ]
        )

    def beyond(self, values, backwards: bool) -> Q:
        """Rows after the cursor in the (possibly reversed) order: the first key's bound is a
        range an index can start from; the rest breaks ties."""
        conditions = Q()
        equal = Q()
        for (name, descending), value in zip(self.keys, values, strict=True):
            lookup = "lt" if descending != backwards else "gt"
            conditions |= equal & Q(**{f"{name}__{lookup}": value})
            equal &= Q(**{name: value})
        first, descending = self.keys[0]
        bound = "lte" if descending != backwards else "gte"
        return Q(**{f"{first}__{bound}": values[0]}) & conditions

    def page(self, size, *, values=None, backwards=False, last=False) -> KeysetPage:
        """One query, ids first: the page's ids are picked from the sort's index by a subquery
        that reads nothing else, then only those rows are loaded with their joins. Rows the
        reader may not see are then skipped inside the index (an index-only scan, when the
        index includes the columns `visible_to` tests), not fetched one by one from the table:
        the secretariat's status sort passes ~30,000 other people's drafts first."""
        queryset = self.ordered(backwards)
        if values is not None:
            queryset = queryset.filter(self.beyond(values, backwards))
        ids = queryset.values("pk")[: size + 1]
        rows = list(self.ordered(backwards).filter(pk__in=ids)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        if not rows:
            return KeysetPage([], has_next=False, has_previous=values is not None)
        if last:
            has_next, has_previous = False, more
        elif backwards:
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, values is not None
        return KeysetPage(
            rows,
            has_next=has_next,
            has_previous=has_previous,
            next_cursor=self.encode(rows[-1]) if has_next else "",
            previous_cursor=self.encode(rows[0]) if has_previous else "",
        )

    def _field(self, name):
        try:
            return self.queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def encode(self, row) -> str:
        values = []
        for name, _descending in self.keys:
            value = getattr(row, name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        payload = json.dumps([[name for name, _d in self.keys], values], separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, token: str):
        """The cursor's values typed like their columns, or None when it does not fit."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            names, values = json.loads(raw)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
            return None
        if names != [name for name, _d in self.keys] or len(values) != len(names):
            return None
        typed = []
        for name, value in zip(names, values, strict=True):
            model_field = self._field("id" if name == "pk" else name)
            if isinstance(model_field, GeneratedField):
                # Its own to_python passes anything through; its output field types the value.
                model_field = model_field.output_field
            try:
                if model_field is not None:
                    value = model_field.to_python(value)
                elif not isinstance(value, int) or isinstance(value, bool):
                    return None
            except (ValidationError, TypeError, ValueError, OverflowError):
                return None  # OverflowError: JSON's Infinity made an id
            if value is None or not _storable(value):
                return None
            typed.append(value)
        return typed


def _storable(value) -> bool:
    """What PostgreSQL takes as a bound value: text without NUL that UTF-8 can encode (JSON's
    "\\ud800" reads as half a UTF-16 pair, which psycopg cannot send), integers within bigint."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return True
