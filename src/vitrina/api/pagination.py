"""Pages of lists: ``limit`` and ``offset`` within what the database can count to."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        # Past this the database's offsets overflow; no list is anywhere near as long.
        offset: int = Field(0, ge=0, le=2**62)
