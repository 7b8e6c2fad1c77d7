"""The shared pagination links lead to the pages they name."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_next_and_previous_links_carry_the_page_number_and_keep_filters():
    request = RequestFactory().get("/contributions/", {"kind": "practice", "page": "2"})
    page = Paginator(list(range(60)), 20).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?kind=practice&amp;page=1" rel="prev"' in html
    assert 'href="?kind=practice&amp;page=3" rel="next"' in html
