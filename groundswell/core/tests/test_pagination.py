"""The shared pagination links lead to the pages they name."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from groundswell.testing import factories


def test_next_and_previous_links_carry_the_page_number_and_keep_filters():
    request = RequestFactory().get("/contributions/", {"kind": "practice", "page": "2"})
    page = Paginator(list(range(60)), 20).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?kind=practice&amp;page=1" rel="prev"' in html
    assert 'href="?kind=practice&amp;page=3" rel="next"' in html


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("", "<title>Projects · Groundswell</title>"),
        ("?page=2", "<title>Projects (page 2 of 2) · Groundswell</title>"),
    ],
)
def test_a_later_page_of_a_list_says_which_in_its_title(client, host_org, query, title):
    for _ in range(21):  # one more than a page
        factories.ProjectFactory(host_organisation=host_org)
    assert title in client.get(f"/projects/{query}").content.decode()
