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


def paginate_section(
    request,
    items,
    *,
    param: str,
    section: str,
    per_page: int = 20,
    number: int | None = None,
    path: str = "",
) -> Page:
    """A page of one of several lists on a page, each with its own page number, carrying links
    to the pages before and after that keep the other lists' numbers and return to `section`.
    `number`, when given, is the page to show instead of the one the query string asks for;
    `path`, the page's address when a form posted elsewhere shows it (the links lead there)."""
    if number is None:
        page = paginate(request, items, per_page=per_page, param=param)
    else:
        page = Paginator(items, per_page).get_page(number)

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"{path}?{query.urlencode()}#{section}"

    page.previous_link = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_link = link(page.next_page_number()) if page.has_next() else ""
    return page
