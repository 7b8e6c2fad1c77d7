from django.core.paginator import Page, Paginator


def paginate(request, items, *, per_page: int = 20) -> Page:
    # get_page turns a missing, malformed or out-of-range page number into a real page.
    return Paginator(items, per_page).get_page(request.GET.get("page"))
