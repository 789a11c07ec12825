"""Counting the rows of a list of a million postings: Django's admin counts the whole filtered
list to paginate it, and a COUNT(*) reads every row that the filters keep (hundreds of
milliseconds for all postings)."""

from typing import cast

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Counted exactly up to this many rows (an index scan of at most this many entries); beyond,
# the planner's estimate: nobody pages to the end of a list that long, they filter or search.
EXACT_UP_TO = 1_000


class EstimatedCountPaginator(Paginator):
    """The exact count of a short list, the planner's estimate of a long one."""

    @cached_property
    def count(self) -> int:
        queryset = cast(QuerySet, self.object_list).order_by()
        exact = queryset[: EXACT_UP_TO + 1].count()
        if exact <= EXACT_UP_TO:
            return exact
        return max(estimated_rows(queryset), exact)


def estimated_rows(queryset: QuerySet) -> int:
    """The planner's estimate of the rows the queryset returns, from its statistics: no row is
    read."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])
