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
