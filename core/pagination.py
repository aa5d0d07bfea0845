"""A paginator for tables that may hold millions of rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: `SELECT COUNT(*)` over everything a person may see reads every
    one of those rows, while counting up to a cap stops after `cap + 1` of them. Below the cap the
    count is exact; above it `capped` is true and the page says "more than 10.000". Pages go as
    deep as the cap (an OFFSET of at most `cap` rows); older rows are reached by narrowing the
    filters or reversing the sort, which an index serves at any depth."""

    cap = 10_000
    # From this offset on, a page first picks its rows' ids, then loads those rows.
    deferred_join_from = 500

    @cached_property
    def capped(self) -> bool:
        return self._limited_count > self.cap

    @cached_property
    def _limited_count(self) -> int:
        if hasattr(self.object_list, "query"):
            return self.object_list.order_by()[: self.cap + 1].count()
        return len(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self._limited_count, self.cap)

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
