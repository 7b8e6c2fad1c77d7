"""A much-discussed contribution shows its comments a page of threads at a time, and whoever
comments or replies is taken to the page that shows it."""

import re

from django.urls import reverse

from groundswell.contributions.tests.test_queries import queries_for
from groundswell.contributions.views import COMMENTS_PER_PAGE
from groundswell.testing import factories

THREADS = COMMENTS_PER_PAGE + 5


def _discussed(project, author):
    """A contribution with more threads than a page; the first and the last have two replies."""
    subject = factories.ContributionFactory(project=project, author=author)
    threads = [
        factories.CommentFactory(contribution=subject, author=author, body=f"Thread {i}.")
        for i in range(THREADS)
    ]
    for top in (threads[0], threads[-1]):
        for k in range(2):
            factories.CommentFactory(
                contribution=subject, parent=top, author=author, body=f"Reply {k}."
            )
    return subject, threads


def _shown(page: bytes) -> list[int]:
    return [int(pk) for pk in re.findall(rb'<li class="comment" id="comment-(\d+)"', page)]


def test_comments_come_a_page_of_threads_at_a_time(client, project, practitioner):
    subject, threads = _discussed(project, practitioner)
    url = subject.get_absolute_url()

    first_count, first = queries_for(client, url)
    second_count, second = queries_for(client, f"{url}?comments=2")

    # The first page: the first threads, the replies of the first thread among them.
    assert len(_shown(first)) == COMMENTS_PER_PAGE + 2
    assert f'id="comment-{threads[COMMENTS_PER_PAGE - 1].pk}"'.encode() in first
    assert f'id="comment-{threads[COMMENTS_PER_PAGE].pk}"'.encode() not in first
    assert f'href="{url}?comments=2#comments-title" rel="next"'.encode() in first
    # The rest, with the replies of the last thread, and the way back.
    assert len(_shown(second)) == THREADS - COMMENTS_PER_PAGE + 2
    assert f'id="comment-{threads[-1].pk}"'.encode() in second
    assert f'href="{url}?comments=1#comments-title" rel="prev"'.encode() in second
    # A page of threads costs the same however many there are on it.
    assert first_count == second_count


def test_a_new_comment_leads_to_the_page_that_shows_it(client, project, practitioner):
    subject, threads = _discussed(project, practitioner)
    client.force_login(practitioner)
    url = reverse("contributions:comment", args=[project.slug, subject.pk])

    response = client.post(url, {"body": "One more thought.", "attribution": "named"})

    new = subject.comments.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"{subject.get_absolute_url()}?comments=2#comment-{new.pk}"
    assert new.pk in _shown(client.get(response["Location"]).content)

    # A reply to a thread on the first page leads to the first page.
    response = client.post(
        url, {"body": "Agreed.", "attribution": "named", "parent": threads[0].pk}
    )
    reply = subject.comments.latest("id")
    assert response["Location"] == f"{subject.get_absolute_url()}#comment-{reply.pk}"


def test_a_refused_reply_comes_back_on_the_page_of_its_thread(client, project, practitioner):
    subject, threads = _discussed(project, practitioner)
    client.force_login(practitioner)
    too_long = "R" * 4001
    last = threads[-1]

    response = client.post(
        reverse("contributions:comment", args=[project.slug, subject.pk]),
        {"body": too_long, "attribution": "named", "parent": last.pk},
    )

    assert response.status_code == 400
    page = response.content.decode()
    reply_box = page[page.index(f'id="comment-{last.pk}"') : page.index("Add a comment")]
    assert '<details class="reply" open>' in reply_box
    assert too_long in reply_box
    assert too_long not in page[page.index("Add a comment") :]
    # Posted to the comment address, the page's links to other pages lead back to the page.
    url = subject.get_absolute_url()
    assert f'href="{url}?comments=1#comments-title" rel="prev"' in page
