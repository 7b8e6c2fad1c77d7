"""The contribution pages, as members use them: the form, comments and replies, the list and
withdrawing."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.contributions.models import Comment, Contribution
from groundswell.testing import factories


def test_a_refused_reply_comes_back_in_its_own_reply_box(client, project, practitioner):
    contribution = factories.ContributionFactory(project=project, author=practitioner)
    top = factories.CommentFactory(contribution=contribution, author=practitioner)
    client.force_login(practitioner)
    too_long = "R" * 4001

    response = client.post(
        reverse("contributions:comment", args=[project.slug, contribution.pk]),
        {"body": too_long, "attribution": "named", "parent": top.pk},
    )

    assert response.status_code == 400
    assert not Comment.objects.exclude(pk=top.pk).exists()
    page = response.content.decode()
    reply_box = page[page.index(f'id="comment-{top.pk}"') : page.index("Add a comment")]
    # Open, with the error beside the field and in a summary, and the text kept.
    assert '<details class="reply" open>' in reply_box
    assert 'class="error-summary"' in reply_box
    assert f'id="id_reply{top.pk}_body_error"' in reply_box
    assert f'href="#id_reply{top.pk}_body"' in reply_box
    assert too_long in reply_box
    # The box for a new comment starts empty: posting from it must not make a reply.
    new_comment = page[page.index("Add a comment") :]
    assert too_long not in new_comment and "error" not in new_comment
    assert not re.search(r'name="parent" value="\d+"', new_comment)


def test_a_refused_comment_stays_in_the_box_for_new_comments(client, project, practitioner):
    contribution = factories.ContributionFactory(project=project, author=practitioner)
    top = factories.CommentFactory(contribution=contribution, author=practitioner)
    client.force_login(practitioner)

    response = client.post(
        reverse("contributions:comment", args=[project.slug, contribution.pk]),
        {"body": "   ", "attribution": "named"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<details class="reply" open>' not in page
    new_comment = page[page.index("Add a comment") :]
    assert 'class="error-summary"' in new_comment and 'id="id_body_error"' in new_comment
    assert page.count('class="error-summary"') == 1
    assert Comment.objects.get() == top


def test_a_search_of_punctuation_alone_is_not_called_a_match(client, project, practitioner):
    factories.ContributionFactory(project=project, author=practitioner)
    url = reverse("contributions:list", args=[project.slug])

    page = client.get(url, {"q": "?!"}).content.decode()

    assert "1 contribution." in page and "matches" not in page
    assert 'value="?!"' in page  # what was typed stays in the box
    assert "1 contribution matches." in client.get(url, {"q": "policy"}).content.decode()


def test_withdrawing_asks_first_and_only_the_author(client, project, practitioner, service_user):
    contribution = factories.ContributionFactory(project=project, author=practitioner)
    url = reverse("contributions:withdraw", args=[project.slug, contribution.pk])
    client.force_login(practitioner)

    detail = client.get(contribution.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail  # a link to the question, not a button that withdraws
    page = client.get(url)
    assert page.status_code == 200
    assert "You cannot undo this." in page.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "published"

    client.force_login(service_user)
    assert client.get(url).status_code == 403

    client.force_login(practitioner)
    assert client.post(url).status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == "withdrawn"
    assert client.get(url).status_code == 404


def test_a_file_chosen_on_a_form_with_a_problem_is_asked_for_again(client, project, practitioner):
    client.force_login(practitioner)
    upload = SimpleUploadedFile("notes.txt", b"What we counted.", content_type="text/plain")
    posted = {
        "title": "",
        "body": "Counts from the ward.",
        "attribution": "named",
        "source_type": "dataset",
        "source": "Ward 7 audit, 2026",
        "provenance": "We counted it ourselves.",
        "quality": "low",
        "file": upload,
    }

    response = client.post(reverse("contributions:create", args=[project.slug, "evidence"]), posted)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_error"' in page and 'id="id_file_error"' in page
    assert "Choose the file again" in page
    assert 'href="#id_file"' in page  # in the summary too
    assert "Ward 7 audit, 2026" in page


def test_a_contribution_sent_after_the_phase_closed_comes_back_with_its_text(client, practitioner):
    closed = factories.ProjectFactory(phases=[("gather", -20, -1), ("draft", 0, 10)])
    client.force_login(practitioner)
    words = "Forty minutes on the phone to rebook one visit."

    response = client.post(
        reverse("contributions:create", args=[closed.slug, "story"]),
        {"title": "Rebooking", "body": words, "attribution": "named"},
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "not taking that at its current phase" in page and "Nothing was published" in page
    assert words in page and 'value="Rebooking"' in page
    assert not Contribution.objects.exists()
    # Asking for the form of a closed project is still refused outright.
    assert (
        client.get(reverse("contributions:create", args=[closed.slug, "story"])).status_code == 403
    )


def test_a_comment_sent_after_commenting_closed_comes_back_with_its_text(client, practitioner):
    closed = factories.ProjectFactory(phases=[("gather", -20, -1), ("publish", 0, 10)])
    contribution = factories.ContributionFactory(project=closed, author=practitioner)
    client.force_login(practitioner)
    words = "The new form asks for the same details three times."

    response = client.post(
        reverse("contributions:comment", args=[closed.slug, contribution.pk]),
        {"body": words, "attribution": "named"},
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()
    page = response.content.decode()
    assert 'class="error-summary"' in page and "Nothing was posted" in page
    assert "Your comment was not posted" in page
    assert re.search(r'<textarea id="refused-comment"[^>]*readonly>' + re.escape(words), page)
