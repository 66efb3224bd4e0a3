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


class UncountedPage:
    """One page of a list that is never counted: one row more than the page is read to
    know whether another page follows."""

    def __init__(self, object_list: list, number: int, per_page: int):
        self.object_list = object_list[:per_page]
        self.number = number
        self._more = len(object_list) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def uncounted_page(queryset, per_page: int, number) -> UncountedPage:
    """The page ``number`` (1 for anything unusable, or past the end) of a queryset.

    Counting every row of a long history (years of readers' conversations) costs more than
    the page itself and grows with it; reading ``per_page + 1`` rows does not.
    """
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        return uncounted_page(queryset, per_page, 1)
    return UncountedPage(rows, number, per_page)
