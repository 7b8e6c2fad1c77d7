from django.core.paginator import Page, Paginator


def paginate(request, items, *, per_page: int = 20, param: str = "page") -> Page:
    """`param` names the page number in the query string: its own for each list on one page."""
    # get_page turns a missing, malformed or out-of-range page number into a real page.
    return Paginator(items, per_page).get_page(request.GET.get(param))


def page_query(page: str | None) -> str:
    """The query "?page=N" back to page N of a list, from the page number a form sent; ""
    for the first page, or for anything that is not a page number."""
    if page and page.isdigit() and len(page) < 10 and int(page) > 1:
        return f"?page={int(page)}"
    return ""
