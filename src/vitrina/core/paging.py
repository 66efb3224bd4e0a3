"""Pages of long lists (a catalogue of millions of records, years of readers' messages)
that stay fast however much is stored.

Counting every match of a broad search (one record in twenty of a million) reads tens of
thousands of rows; the page itself needs fifty. The count stops at ``cap``: a list that
holds more says so and is shown in its first ``cap`` rows, newest first.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def _found(self) -> int:
        # COUNT over a LIMITed, unordered subquery: PostgreSQL stops after cap + 1 rows.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        return self._found > self.cap
