"""Numbered pages for the API's lists, with links to the next and previous page."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 100


class NumberedPages(PaginationBase):
    """`?page=` (from 1) and `?page_size=` (up to MAX_PAGE_SIZE); the answer carries the count,
    the number of pages and the URLs of the next and previous pages (null at either end).

    A page beyond the last is an empty list, not an error, as a list that shrank between two
    requests would give; it is answered without asking the database for it, so a page number
    too large for SQL is no error either.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, description="The page to return, from 1.")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description="Items per page (the default varies)."
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items in the whole list.")
        pages: int = Field(description="Pages in the whole list at this page size.")
        next: str | None = Field(description="URL of the next page, or null on the last.")
        previous: str | None = Field(description="URL of the previous page, or null on the first.")

    items_attribute = "items"

    def __init__(self, *, page_size: int = 20, **kwargs: Any) -> None:
        self.page_size = page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        size = pagination.page_size or self.page_size
        count = self._items_count(queryset)
        pages = max(1, -(-count // size))
        page = pagination.page
        offset = (page - 1) * size
        return {
            "items": list(queryset[offset : offset + size]) if offset < count else [],
            "count": count,
            "pages": pages,
            "next": _page_url(request, page + 1) if page < pages else None,
            # From beyond the end, back to the last page there is.
            "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
