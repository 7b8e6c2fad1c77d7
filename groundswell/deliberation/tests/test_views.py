import html
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groundswell.deliberation import services
from groundswell.deliberation.models import AnalysisSnapshot, Statement, Vote
from groundswell.deliberation.selectors import STATEMENT_NOT_OPEN
from groundswell.moderation.services import statement_moderate
from groundswell.testing import factories


@pytest.fixture
def seeded(project, host_admin):
    return [
        services.statement_create(project=project, author=host_admin, text=f"Point {i}")
        for i in range(3)
    ]


def test_voting_one_statement_at_a_time_without_javascript(client, project, seeded, practitioner):
    client.force_login(practitioner)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert "3 statements left" in page and "Point 0" in page

    response = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "2 statements left" in page and "Point 1" in page
    assert Vote.objects.get(voter=f"u{practitioner.pk}").value == 1


def test_htmx_vote_returns_the_next_card_only(client, project, seeded, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "-1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="vote-card"')
    assert "Point 1" in body and "<html" not in body


def test_the_statement_being_voted_on_can_be_reported_from_its_card(
    client, project, seeded, practitioner
):
    """Voting one at a time is where most people meet an abusive statement: the card offers
    the report link for the statement it shows, as each pair of ideas does, with htmx too."""
    client.force_login(practitioner)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    first = f'href="/projects/{project.slug}/moderation/flag/statement/{seeded[0].pk}/"'
    assert first in page
    card = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert first not in card
    assert f"/moderation/flag/statement/{seeded[1].pk}/" in card
    report = client.get(f"/projects/{project.slug}/moderation/flag/statement/{seeded[1].pk}/")
    assert report.status_code == 200 and "Point 1" in report.content.decode()


def test_the_vote_page_is_not_kept_by_the_browser(client, project, seeded, practitioner):
    """htmx votes change the page in place; the back button must fetch it again, not show a
    kept copy with statements already voted on."""
    client.force_login(practitioner)
    response = client.get(f"/projects/{project.slug}/vote/")
    assert "no-store" in response["Cache-Control"]


def test_changing_a_vote_from_the_statement_list(client, project, seeded, practitioner):
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/vote/{seeded[2].pk}/"
    client.post(url, {"value": "1", "next": "statements"})
    response = client.post(url, {"value": "0", "next": "statements"})
    assert response.url == f"/projects/{project.slug}/statements/#statement-{seeded[2].pk}"
    assert list(Vote.objects.values_list("value", flat=True)) == [0]
    page = client.get(response.url).content.decode()
    assert page.count('aria-pressed="true"') == 1


@pytest.mark.parametrize("value", ["", "2", "agree", "<script>"])
def test_bad_votes_are_refused_without_saving(client, project, seeded, practitioner, value):
    client.force_login(practitioner)
    response = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": value})
    assert response.status_code == 302
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", ["", "2", "<script>"])
def test_a_bad_htmx_vote_answers_with_the_card_and_says_why(
    client, project, seeded, practitioner, value
):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": value}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    # The card alone, which htmx swaps in place, not a redirect to the whole page.
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="vote-card"') and "<html" not in body
    assert "Choose agree, disagree or pass." in body
    assert "Point 0" in body and "<script>" not in body
    assert not Vote.objects.exists()


def test_statement_form_errors_are_shown_and_nothing_saved(client, project, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/statements/new/", {"text": "x" * 281, "attribution": "named"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not project.statements.exists()


def test_a_statement_with_a_line_break_is_counted_as_the_page_counted_it(
    client, project, practitioner
):
    """The textarea's maxlength counts a line break as one character; the browser sends it as
    CR LF. A statement the page let the member type in full must not be refused as too long."""
    client.force_login(practitioner)
    text = "a" * 139 + "\r\n" + "b" * 140  # 280 in the browser, 281 as sent
    response = client.post(
        f"/projects/{project.slug}/statements/new/", {"text": text, "attribution": "named"}
    )
    assert response.status_code == 302
    assert project.statements.get().text == "a" * 139 + " " + "b" * 140
    # One character more is still too long, and says so.
    response = client.post(
        f"/projects/{project.slug}/statements/new/",
        {"text": "c" * 140 + "\r\n" + "d" * 140, "attribution": "named"},
    )
    assert response.status_code == 400
    assert "at most 280 characters (it has 281)" in response.content.decode()


def test_results_page_before_and_after_analysis(client, project, seeded):
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "No results yet" in page
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": 4,
            "statements": 3,
            "votes": 12,
            "seconds": 0.01,
            "groups": [
                {
                    "id": 0,
                    "size": 4,
                    "centre": [0.0, 0.0],
                    "representative": [
                        {
                            "statement": seeded[1].pk,
                            "direction": "agree",
                            "score": 2.0,
                            "agree": 0.75,
                            "disagree": 0.25,
                        }
                    ],
                }
            ],
            "points": [[0.1, 0.2, 0], [-0.1, 0.0, 0]],
            "consensus": [{"statement": seeded[0].pk, "score": 0.8}],
            "bridging_latent": [{"statement": seeded[2].pk, "score": 0.4}],
            "bridging_perspective": None,
            "pairwise": [],
        },
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    for text in ["Point 0", "Point 1", "Point 2", "75% agree", "<svg", "Opinion groups"]:
        assert text in page
    # The map's text alternative reads as English for one group too.
    assert "1 group: group A with 4 people." in page


def test_private_project_deliberation_is_hidden_from_outsiders(client, private_project, outsider):
    client.force_login(outsider)
    for path in ["vote/", "statements/", "results/", "compare/"]:
        assert client.get(f"/projects/{private_project.slug}/{path}").status_code == 404


def test_vote_page_of_a_project_with_no_statements_does_not_thank_you_for_voting(
    client, project, practitioner
):
    client.force_login(practitioner)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert "You have voted on every statement" not in page
    assert "No statements to vote on yet" in page


def test_a_statement_waiting_for_a_host_is_not_counted_as_voted(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import Moderation

    services.deliberation_settings_update(project=project, by=host_admin, moderation=Moderation.PRE)
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/statements/new/",
        {"text": "Rotas a week ahead", "attribution": "named"},
        follow=True,
    )
    page = response.content.decode()
    assert "once a host has approved it" in page
    assert "You have voted on every statement" not in page
    assert "No statements to vote on yet" in page


def test_results_name_perspectives_in_words_not_codes(client, project, seeded):
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": 6,
            "statements": 3,
            "votes": 18,
            "seconds": 0.01,
            "groups": [],
            "points": [],
            "consensus": [],
            "bridging_latent": [],
            "bridging_perspective": {
                "perspectives": ["practitioner", "service_user"],
                "members": [3, 3],
                "min_voters": 3,
                "top": [
                    {
                        "statement": seeded[0].pk,
                        "score": 0.5,
                        "weakest": "service_user",
                        "rates": [0.9, 0.5],
                    }
                ],
            },
            "pairwise": [],
        },
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "Frontline practitioner, Service user" in page
    assert 'data-label="Least supportive">Service user</td>' in page
    assert "service_user" not in page


def test_htmx_vote_on_a_statement_taken_down_meanwhile_says_so_in_the_card(
    client, project, seeded, practitioner
):
    from groundswell.deliberation.models import Statement

    client.force_login(practitioner)
    Statement.objects.filter(pk=seeded[0].pk).update(status="hidden")
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert html.escape(STATEMENT_NOT_OPEN) in body and "Point 1" in body
    assert not Vote.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_vote_on_a_statement_not_open_is_answered_as_for_one_that_does_not_exist(
    client, project, private_project, host_admin, seeded, practitioner, htmx
):
    """Ids are sequential: a different answer for a statement waiting for a host or rejected
    would tell that it exists, though nobody was shown its text."""
    from groundswell.deliberation.models import Statement, StatementStatus

    hidden = {
        status: Statement.objects.create(project=project, text=f"Kept {status}", status=status)
        for status in (
            StatementStatus.PENDING,
            StatementStatus.REJECTED,
            StatementStatus.HIDDEN,
            StatementStatus.REMOVED,
        )
    }
    elsewhere = services.statement_create(project=private_project, author=host_admin, text="Else")
    ids = {
        **{str(status): s.pk for status, s in hidden.items()},
        "another project's": elsewhere.pk,
        "missing": Statement.objects.order_by("-pk").first().pk + 1000,
    }
    client.force_login(practitioner)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    answers = {}
    for name, pk in ids.items():
        response = client.post(f"/projects/{project.slug}/vote/{pk}/", {"value": "1"}, **headers)
        body = response.content.decode()
        # htmx swaps in only a 2xx answer: the card, with the message in place.
        answers[name] = (response.status_code, html.escape(STATEMENT_NOT_OPEN) in body)
        assert "Point 0" in body  # the next statement to vote on, whatever the id was
        assert "Kept" not in body, name
    assert set(answers.values()) == {(200 if htmx else 404, True)}, answers
    assert not Vote.objects.exists()
    # An open statement is voted on as before.
    ok = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"}, **headers)
    assert ok.status_code == (200 if htmx else 302) and Vote.objects.count() == 1


def test_the_compare_page_tells_too_few_ideas_from_every_pair_compared(
    client, project, host_admin, practitioner
):
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/compare/"
    a = services.idea_create(project=project, author=host_admin, text="Rotas")
    page = client.get(url).content.decode()
    assert "There are not yet two ideas to compare" in page
    assert "You have compared every pair" not in page
    b = services.idea_create(project=project, author=host_admin, text="Pay")
    services.comparison_record(
        project=project, user=practitioner, first_id=a.pk, second_id=b.pk, outcome="tie"
    )
    page = client.get(url).content.decode()
    assert "You have compared every pair" in page and "not yet two ideas" not in page


def test_the_statement_list_comes_in_pages_and_a_vote_returns_to_its_row(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.views import STATEMENTS_PER_PAGE

    statements = [
        services.statement_create(project=project, author=host_admin, text=f"Numbered point {i}.")
        for i in range(STATEMENTS_PER_PAGE + 3)
    ]
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/statements/"
    first = client.get(url).content.decode()
    assert "Numbered point 0." in first and f"Numbered point {STATEMENTS_PER_PAGE}." not in first
    assert f"{STATEMENTS_PER_PAGE + 3} statements open for votes" in first
    next_link = re.search(r'href="([^"]*)" rel="next"', first).group(1)
    second = client.get(url + html.unescape(next_link)).content.decode()
    assert f"Numbered point {STATEMENTS_PER_PAGE}." in second and "Numbered point 0." not in second
    assert "Page 2 of 2" in second

    last = statements[-1]
    response = client.post(
        f"/projects/{project.slug}/vote/{last.pk}/",
        {"value": "1", "next": "statements", "page": "2"},
    )
    assert response.url == f"{url}?page=2#statement-{last.pk}"
    assert f'id="statement-{last.pk}"' in client.get(response.url).content.decode()


def test_counting_the_statement_list_for_its_pages_reads_no_votes(
    client, project, seeded, practitioner, service_user
):
    """The list counts its statements for the pages on every view: joined to the votes, that
    read every vote of the project (49,443 for vTaiwan) however few statements were shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.vote_cast(statement=seeded[0], user=practitioner, value=1)
    services.vote_cast(statement=seeded[0], user=service_user, value=-1)
    services.vote_cast(statement=seeded[2], user=practitioner, value=0)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not [sql for sql in counts if "deliberation_vote" in sql]
    votes = re.findall(r'id="statement-(\d+)".*?</td><td class="num"[^>]*>(\d+)</td>', page)
    assert votes == [(str(seeded[0].pk), "2"), (str(seeded[1].pk), "0"), (str(seeded[2].pk), "1")]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", "%00", "2.5"])
def test_odd_page_numbers_on_the_statement_list_still_show_a_page(client, project, seeded, page):
    response = client.get(f"/projects/{project.slug}/statements/", {"page": page})
    assert response.status_code == 200
    assert "Point 0" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "99999999999999999999", "<script>"])
def test_odd_page_numbers_sent_with_a_vote_are_ignored(client, project, seeded, practitioner, page):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/",
        {"value": "1", "next": "statements", "page": page},
    )
    assert response.url == f"/projects/{project.slug}/statements/#statement-{seeded[0].pk}"


def test_the_statement_list_tells_visitors_how_to_vote_and_when_voting_is_closed(
    client, project, seeded, practitioner
):
    url = f"/projects/{project.slug}/statements/"
    page = client.get(url).content.decode()
    assert "to vote on these statements" in page
    assert f'href="/accounts/login/?next=/projects/{project.slug}/vote/"' in page
    # A visitor has no vote to show: no "Your vote" column of dashes.
    assert "Your vote" not in page and 'data-label="Votes"' in page

    client.force_login(practitioner)
    page = client.get(url).content.decode()
    assert "Vote one at a time" in page
    assert page.count('data-label="Your vote"') == len(seeded)
    project.phases.all().delete()  # between phases: nothing is open
    page = client.get(url).content.decode()
    assert "Voting is closed in this project's current phase." in page
    assert "Vote one at a time" not in page


def test_a_visitor_is_not_asked_to_log_in_to_vote_once_voting_has_closed(
    client, project, seeded, practitioner
):
    """After logging in, "Log in to vote" goes on to the vote page: in a phase that takes no
    votes that is a refusal, so the visitor is told voting is closed, as a member is."""
    url = f"/projects/{project.slug}/statements/"
    project.phases.filter(kind="gather").update(kind="publish")  # the running phase
    page = client.get(url).content.decode()
    assert "Voting is closed in this project's current phase." in page
    assert "to vote on these statements" not in page
    client.force_login(practitioner)
    assert client.get(f"/projects/{project.slug}/vote/").status_code == 403


def test_hosts_seed_statements_before_voting_opens(
    client, project, seeded, host_admin, practitioner
):
    """statement_create lets hosts add statements in any phase; the pages must let them too."""
    project.phases.all().delete()  # voting has not opened yet
    client.force_login(host_admin)
    assert "Add statements" in client.get(f"/projects/{project.slug}/statements/").content.decode()
    page = client.get(f"/projects/{project.slug}/vote/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Voting is closed in this project's current phase." in body
    assert 'id="add-statement"' in body and 'id="vote-card"' not in body
    response = client.post(
        f"/projects/{project.slug}/statements/new/", {"text": "A seed", "attribution": "named"}
    )
    assert response.status_code == 302
    assert project.statements.get(text="A seed").is_seed
    assert "once voting opens" in client.get(response.url).content.decode()
    # Errors are shown on the same page, still without vote buttons.
    response = client.post(
        f"/projects/{project.slug}/statements/new/", {"text": "", "attribution": "named"}
    )
    assert response.status_code == 400 and 'id="vote-card"' not in response.content.decode()

    # Participants still wait for the phase, and are told why.
    client.force_login(practitioner)
    for method, url in [("get", "vote/"), ("post", "statements/new/")]:
        refused = getattr(client, method)(f"/projects/{project.slug}/{url}", {"text": "Mine"})
        assert refused.status_code == 403
        assert "not taking that at its current phase" in refused.content.decode()
    assert not project.statements.filter(text="Mine").exists()


def test_an_htmx_vote_after_the_session_ended_sends_the_whole_page_to_log_in(
    client, project, seeded
):
    """Not the log-in page swapped into the vote card, with a `next` that only takes POST."""
    vote_page = f"http://testserver/projects/{project.slug}/vote/"
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/",
        {"value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=vote_page,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next=/projects/{project.slug}/vote/"
    assert not Vote.objects.exists()

    plain = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"})
    assert plain.status_code == 302 and plain.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("form", "page"),
    [("vote/{pk}/", "statements/?page=2"), ("statements/new/", "vote/")],
)
def test_a_form_sent_after_the_session_ended_comes_back_to_its_page_after_log_in(
    client, project, seeded, practitioner, form, page
):
    """Without JavaScript: `next` is the page the form was on, not the URL it posts to, which
    only takes POST and would greet the member with an empty 405 once logged in."""
    page_url = f"/projects/{project.slug}/{page}"
    response = client.post(
        f"/projects/{project.slug}/{form.format(pk=seeded[0].pk)}",
        {"value": "1", "text": "A new point", "attribution": "named"},
        HTTP_REFERER=f"http://testserver{page_url}",
    )
    assert response.status_code == 302
    login = client.get(response.url)
    assert login.status_code == 200
    logged_in = client.post(
        response.url, {"login": practitioner.email, "password": factories.PASSWORD}
    )
    assert logged_in.url == page_url
    assert client.get(logged_in.url).status_code == 200
    assert not Vote.objects.exists() and project.statements.count() == len(seeded)


@pytest.mark.parametrize(
    "referer",
    [
        "",
        "not a url",
        "http://testserver//evil.example/x",
        "https://evil.example/x?y",
        # Browsers read a backslash as a slash: "/\\evil.example" is another site.
        "http://testserver/\\evil.example/x",
        "http://testserver/\\/evil.example/x",
    ],
)
def test_a_log_in_redirect_from_a_form_never_points_away(client, project, seeded, referer):
    vote_url = f"/projects/{project.slug}/vote/{seeded[0].pk}/"
    response = client.post(vote_url, {"value": "1"}, HTTP_REFERER=referer)
    assert response.url == f"/accounts/login/?next={vote_url}"  # as login_required made it


@pytest.mark.parametrize(
    "current",
    [
        "",
        "not a url",
        "http://testserver//evil.example/x",
        "https://evil.example/x?y",
        "http://testserver/\\evil.example/x",
        "http://testserver/\\/evil.example/x",
    ],
)
def test_an_htmx_log_in_redirect_never_points_away(client, project, seeded, current):
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/",
        {"value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=current,
    )
    target = response["HX-Redirect"]
    assert target.startswith("/accounts/login/")
    assert "evil" not in target and "//" not in target and "%5C" not in target.upper()


def test_the_pairwise_ranking_shows_its_interval_on_the_scores_scale(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation import analysis
    from groundswell.testing import factories

    ideas = [
        services.idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(3)
    ]
    for voter in [practitioner, *(factories.UserFactory() for _ in range(5))]:
        for winner, loser in [(0, 1), (1, 2), (0, 2)]:  # Idea 0 beats Idea 1, which beats Idea 2
            services.comparison_record(
                project=project, user=voter, first_id=ideas[winner].pk,
                second_id=ideas[loser].pk, outcome="first",
            )  # fmt: skip
    analysis.analysis_recompute(project_id=project.pk)

    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    num = '<td class="num"[^>]*>'
    rows = re.findall(
        rf"<tr[^>]*><td[^>]*>(Idea \d)</td>{num}([\d.]+)</td>{num}([\d.]+) to ([\d.]+)</td>",
        page,
    )
    assert [row[0] for row in rows] == ["Idea 0", "Idea 1", "Idea 2"]
    for _, score, lower, upper in rows:
        assert 0 <= float(lower) <= float(score) <= float(upper) <= 100


def test_the_statement_list_shows_the_oldest_waiting_statements_and_points_to_the_queue(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import DeliberationSettings, Moderation

    DeliberationSettings.objects.update_or_create(
        project=project, defaults={"moderation": Moderation.PRE}
    )
    for i in range(23):
        services.statement_create(project=project, author=practitioner, text=f"Waiting {i:02}")
    client.force_login(host_admin)
    page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "Waiting 00" in page and "Waiting 19" in page and "Waiting 20" not in page
    assert "The oldest 20 of 23" in page
    assert f'href="/projects/{project.slug}/moderation/"' in page


def test_results_account_for_people_in_no_group_and_a_sampled_map(client, project, seeded):
    # At real size (vTaiwan: 1,921 participants, 1,218 in groups) the numbers must add up.
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": 1921,
            "statements": 3,
            "votes": 49443,
            "seconds": 0.2,
            "groups": [
                {"id": 0, "size": 936, "centre": [0.0, 0.0], "representative": []},
                {"id": 1, "size": 282, "centre": [1.0, 0.0], "representative": []},
            ],
            "points": [[0.1, 0.2, 0], [0.9, 0.0, 1]],
            "consensus": [],
            "bridging_latent": [],
            "bridging_perspective": None,
            "pairwise": [],
        },
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "from 49,443 votes by 1,921 participants" in page
    assert "1,218 of the 1,921 participants are in a group. The other 703 voted" in page
    assert "(a sample of 2 of the 1,218 in groups)" in page
    assert "group A with 936 people, group B with 282 people" in page


@pytest.mark.parametrize("people", [10, 400])
def test_the_opinion_map_names_each_colour_once_however_many_people_it_draws(
    client, project, seeded, people
):
    """vTaiwan draws 1,218 marks: each repeating its colour made the map most of the page's
    weight. Each group's marks are one layer with one colour, people in no group in grey."""
    points = [[i / people, (i % 7) / 7, i % 2] for i in range(people)] + [[0.5, 0.5, -1]]
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": people + 1,
            "statements": 3,
            "votes": 3 * people,
            "seconds": 0.2,
            "groups": [
                {"id": 0, "size": people // 2, "centre": [0.2, 0.5], "representative": []},
                {"id": 1, "size": people // 2, "centre": [0.8, 0.5], "representative": []},
            ],
            "points": points,
            "consensus": [],
            "bridging_latent": [],
            "bridging_perspective": None,
            "pairwise": [],
        },
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<circle") == people + 1
    assert svg.count("fill=") == 6  # the frame, three layers, and the letters A and B
    layers = re.findall(
        r'<g fill="(#[0-9A-F]{6})" stroke="(#[0-9a-f]{6})"[^>]*>((?:<circle [^>]*/>)+)</g>', svg
    )
    assert [(colour, marks.count("<circle")) for colour, _, marks in layers] == [
        ("#595959", 1),
        ("#0072B2", people // 2),
        ("#D55E00", people // 2),
    ]
    # WCAG 1.4.11: some group colours are light (#E69F00 is 2.2:1 on white), so every mark has
    # an outline of 3:1 or more against the map's white ground.
    assert all(_contrast_on_white(outline) >= 3 for _, outline, _ in layers)


def _contrast_on_white(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_results_count_the_participants_of_an_imported_conversation(client, project):
    from groundswell.deliberation.polis import polis_import

    folder = Path(__file__).resolve().parents[3] / "data" / "polis" / "london.youth.policing"
    summary = polis_import(project=project, directory=folder)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "Nobody has joined yet" not in page
    assert f"{summary.participants} people took part in the imported Pol.is conversation" in page
    # Counted at import, not by reading the conversation's votes on every view.
    assert not [q["sql"] for q in queries if "LIKE 'p%'" in q["sql"]]
    # The project page counts members only, and says so rather than "nobody".
    project_page = client.get(f"/projects/{project.slug}/").content.decode()
    assert "No role has 5 or more members yet." in project_page
    assert "Nobody has joined yet" not in project_page
    assert (
        "taken part" not in project_page.split('id="participation-title"')[1].split("</section>")[0]
    )


def test_statements_in_another_language_are_marked_as_such(
    client, project, host_admin, practitioner
):
    # vTaiwan's statements are Chinese on an English page: WCAG 3.1.2, language of parts.
    statement = services.statement_create(
        project=project, author=host_admin, text="我覺得載客的司機都應該保意外險。"
    )
    client.force_login(host_admin)
    response = client.post(
        f"/projects/{project.slug}/deliberation/settings/",
        {
            "moderation": "post",
            "participants_may_add_statements": "on",
            "pairwise_prompt": "Which matters more?",
            "statement_language": "zh-TW",
        },
    )
    assert response.status_code == 302
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": 4,
            "statements": 1,
            "votes": 4,
            "seconds": 0.01,
            "groups": [],
            "points": [],
            "consensus": [{"statement": statement.pk, "score": 0.8}],
            "bridging_latent": [{"statement": statement.pk, "score": 0.4}],
            "bridging_perspective": None,
            "pairwise": [],
        },
    )
    marked = '<span lang="zh-TW">我覺得載客的司機都應該保意外險。</span>'
    assert marked in client.get(f"/projects/{project.slug}/statements/").content.decode()
    results = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert marked in results  # consensus
    assert '<td lang="zh-TW">我覺得載客的司機都應該保意外險。</td>' in results  # bridging
    client.force_login(practitioner)
    vote = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert '<p lang="zh-TW">我覺得載客的司機都應該保意外險。</p>' in vote


def test_a_statement_language_must_be_a_language_code(client, project, host_admin):
    client.force_login(host_admin)
    response = client.post(
        f"/projects/{project.slug}/deliberation/settings/",
        {"moderation": "post", "pairwise_prompt": "Which?", "statement_language": '"><script>'},
    )
    assert response.status_code == 200
    assert "Give a language code such as zh-TW" in html.unescape(response.content.decode())
    assert services.deliberation_settings(project=project).statement_language == ""


def test_hosts_look_over_rejected_statements_and_accept_one_after_all(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import Statement, StatementStatus

    _, rejected = (
        services.statement_create(project=project, author=host_admin, text=text)
        for text in ["Kept", "Rejected at first"]
    )
    statement_moderate(statement=rejected, by=host_admin, accept=False)
    url = f"/projects/{project.slug}/statements/rejected/"
    # Only hosts: a participant is refused, and is not shown the link.
    client.force_login(practitioner)
    assert client.get(url).status_code == 403
    assert url not in client.get(f"/projects/{project.slug}/statements/").content.decode()

    client.force_login(host_admin)
    assert (
        "Rejected statements (1)"
        in client.get(f"/projects/{project.slug}/statements/").content.decode()
    )
    page = client.get(url).content.decode()
    assert "Rejected at first" in page and ">Kept<" not in page
    response = client.post(
        f"/projects/{project.slug}/statements/{rejected.pk}/moderate/",
        {"decision": "accept", "next": "rejected"},
    )
    assert response.status_code == 302 and response.url == url
    assert Statement.objects.get(pk=rejected.pk).status == StatementStatus.ACCEPTED
    assert "No statements have been rejected." in client.get(url).content.decode()
    assert client.get(url + "?page=999").status_code == 200


def test_line_breaks_in_an_imported_statement_are_shown_and_markup_stays_inert(
    client, project, practitioner
):
    from groundswell.deliberation.models import Statement

    # Pol.is comments are imported as published, line breaks included (members' are one line).
    Statement.objects.create(project=project, text="First point.\nSecond <b>point</b>.")
    client.force_login(practitioner)
    for path in ["statements/", "vote/"]:
        page = client.get(f"/projects/{project.slug}/{path}").content.decode()
        assert "First point.<br>Second &lt;b&gt;point&lt;/b&gt;." in page, path


def test_comparing_without_javascript_counts_a_double_submit_once_and_ends_with_every_pair(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import Comparison

    a, b = (
        services.idea_create(project=project, author=host_admin, text=t) for t in ["Rotas", "Pay"]
    )
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/compare/"
    assert "Rotas" in client.get(url).content.decode()
    for _ in range(2):  # the button pressed twice before the next page came
        response = client.post(url, {"first": a.pk, "second": b.pk, "outcome": "second"})
        assert response.status_code == 302
    assert Comparison.objects.count() == 1
    page = client.get(url).content.decode()
    assert "You have compared every pair of ideas" in page
    assert 'name="outcome"' not in page and "not yet two ideas" not in page


def test_bridging_across_perspectives_shows_the_share_who_agreed_not_the_smoothed_score(
    client, project, host_admin
):
    """Everyone agreeing is 100%, not the 80% the cautious ranking score gives 3 of 3."""
    from groundswell.deliberation import analysis
    from groundswell.testing import factories

    agreed, split = (
        services.statement_create(project=project, author=host_admin, text=text)
        for text in ["All agree", "Split"]
    )
    for i, role in enumerate(["manager", "practitioner"] * 3):
        voter = factories.UserFactory(role=role)
        services.vote_cast(statement=agreed, user=voter, value=1)
        services.vote_cast(statement=split, user=voter, value=1 if i < 2 else -1)
    analysis.analysis_recompute(project_id=project.pk)

    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    table = page.split("Statements by their support in the least supportive perspective")[1]
    cell = r"<td[^>]*>([^<]+)</td>"
    rows = re.findall(rf"<tr[^>]*>{cell}{cell}{cell}</tr>", table)
    assert rows[0] == ("All agree", "Manager", "100% of the 3 who voted on it")
    assert rows[1][0] == "Split" and rows[1][2] == "33% of the 3 who voted on it"
    top = client.get(f"/api/v1/projects/{project.slug}/results").json()["bridging_perspective"]
    assert (top["top"][0]["agree"], top["top"][0]["seen"]) == (1.0, 3)


def test_an_idea_taken_out_while_its_pair_is_on_screen_is_explained_and_not_recorded(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import Comparison, Idea, IdeaStatus

    a, b, _ = (services.idea_create(project=project, author=host_admin, text=t) for t in "ABC")
    client.force_login(practitioner)
    Idea.objects.filter(pk=b.pk).update(status=IdeaStatus.REMOVED)  # by a moderator, meanwhile
    url = f"/projects/{project.slug}/compare/"
    response = client.post(url, {"first": a.pk, "second": b.pk, "outcome": "first"}, follow=True)
    page = response.content.decode()
    assert "One of those ideas is no longer in the pool, so your choice was not recorded." in page
    assert not Comparison.objects.exists()
    assert (
        f'name="first" value="{b.pk}"' not in page and f'name="second" value="{b.pk}"' not in page
    )
    same = client.post(url, {"first": a.pk, "second": a.pk, "outcome": "tie"}, follow=True)
    assert "Choose between two different ideas." in same.content.decode()
    assert not Comparison.objects.exists()


def test_a_failed_analysis_is_said_and_the_last_results_stay_up(
    client, project, seeded, practitioner, host_admin, monkeypatch, caplog
):
    from groundswell.deliberation import analysis

    url = f"/projects/{project.slug}/results/"

    def fail_once() -> None:
        def broken(**kwargs):
            raise RuntimeError("internal detail")

        with monkeypatch.context() as patch:
            patch.setattr(analysis, "compute_snapshot", broken)
            with pytest.raises(RuntimeError):
                analysis.analysis_recompute(project_id=project.pk)

    fail_once()
    page = client.get(url).content.decode()
    assert "The analysis of the votes failed" in page
    assert "No results yet" not in page  # it is not waiting for votes
    assert "internal detail" not in page
    assert f"The analysis of project {project.pk} failed" in caplog.text

    services.vote_cast(statement=seeded[0], user=practitioner, value=1)
    analysis.analysis_recompute(project_id=project.pk)
    assert AnalysisSnapshot.objects.get(project=project).failed_at is None
    page = client.get(url).content.decode()
    assert "failed" not in page and "Computed" in page

    fail_once()
    page = client.get(url).content.decode()
    assert "updating them with later votes failed" in page
    assert "Computed" in page  # the last results are still shown
    assert "administrators" not in page
    client.force_login(host_admin)
    assert "tell the site's administrators" in client.get(url).content.decode()


def test_results_of_a_conversation_of_passes_say_nothing_stands_out(client, project, seeded):
    # Four people who all passed: no group "disagrees" with anything and nothing is consensus.
    from groundswell.deliberation import analysis

    analysis._PREVIOUS.clear()
    for voter in [factories.UserFactory(role="practitioner") for _ in range(4)]:
        for statement in seeded:
            services.vote_cast(statement=statement, user=voter, value=0)
    analysis.analysis_recompute(project_id=project.pk)
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "from 12 votes by 4 participants" in page
    assert '<p class="empty">No statement stands out for this group yet.</p>' in page
    assert "Disagrees:" not in page and "Agrees:" not in page
    assert "No statement yet has agreement across every group." in page


def test_an_empty_statement_list_invites_only_those_who_may_add_one(
    client, project, host_admin, practitioner
):
    url = f"/projects/{project.slug}/statements/"
    client.force_login(practitioner)
    assert "Add the first one" in client.get(url).content.decode()

    services.deliberation_settings_update(
        project=project, by=host_admin, participants_may_add_statements=False
    )
    page = client.get(url).content.decode()
    assert "No statements yet." in page and "Add the first one" not in page
    client.force_login(host_admin)
    assert "Add the first one" in client.get(url).content.decode()


def test_after_an_htmx_vote_the_count_left_is_read_with_the_focused_statement(
    client, project, seeded, practitioner
):
    """The focused statement is described by the new count, so a screen reader says both once;
    the count is no live region, which a swap would announce unreliably or twice."""
    client.force_login(practitioner)
    body = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    statement = re.search(r"<blockquote[^>]*>", body).group(0)
    assert "autofocus" in statement
    described_by = re.search(r'aria-describedby="([^"]+)"', statement).group(1)
    count = re.search(rf'<p[^>]*id="{described_by}"[^>]*>([^<]*)</p>', body)
    assert count.group(1) == "2 statements left to vote on."
    assert "role=" not in count.group(0) and "aria-live" not in count.group(0)


def test_results_count_people_who_joined_by_invitation_as_joined_not_as_taking_part(
    client, private_project, host_admin, service_user
):
    """An invitation link makes a member a participant before they have voted or written."""
    from groundswell.projects.models import Participant

    for user in [service_user, *factories.UserFactory.create_batch(4, role="service_user")]:
        Participant.objects.create(project=private_project, user=user, joined_via="invite_link")
    client.force_login(host_admin)
    page = html.unescape(client.get(f"/projects/{private_project.slug}/results/").content.decode())
    section = page[page.index('id="participation-title"') :]
    assert "Who has joined" in section and '<th scope="col">Joined</th>' in section
    assert "taken part" not in section.lower().split("</section>")[0]


def test_a_protected_author_who_joins_by_writing_changes_no_published_count(
    client, project, host_admin
):
    """The only commissioner writes a protected statement, which makes them a participant. Their
    byline hides the rare role (the crowd rule); the tables of who has joined must not show a
    commissioner arriving at that moment either, on the project page or the results page."""
    from groundswell.projects.services import project_update

    project_update(project=project, by=host_admin, targets={"commissioner": 2})
    for _ in range(5):  # a crowd of practitioners, counted exactly
        services.vote_cast(
            statement=services.statement_create(
                project=project, author=host_admin, text=f"Seed {_}"
            ),
            user=factories.UserFactory(role="practitioner"),
            value=1,
        )
    commissioner = factories.UserFactory(role="commissioner", sector="health")
    carer = factories.UserFactory(role="carer")
    client.force_login(host_admin)  # the hosts see the same tables (and no cached page)

    def published() -> list[str]:
        pages = [f"/projects/{project.slug}/", f"/projects/{project.slug}/results/"]
        return [
            client.get(url)
            .content.decode()
            .split('id="participation-title"')[1]
            .split("</section>")[0]
            for url in pages
        ]

    before = published()
    assert "Frontline practitioner" in before[0] and ">5<" in before[0]
    services.statement_create(
        project=project,
        author=commissioner,
        text="Commissioning cuts hurt",
        attribution="protected",
    )
    services.statement_create(
        project=project, author=carer, text="Carers need respite", attribution="protected"
    )
    assert published() == before
    assert "Fewer than 5" in before[0] and "Commissioner" in before[0]  # its target's row
    assert "Carer" not in before[0]  # no target: not listed under 5
    commissioner_text = Statement.objects.get(text="Commissioning cuts hurt")
    assert commissioner_text.author_role == ""  # and the byline hides the role too


def test_a_comparison_form_that_does_not_parse_is_a_400_with_the_pair_again(
    client, project, host_admin, practitioner
):
    from groundswell.deliberation.models import Comparison

    a, b = (services.idea_create(project=project, author=host_admin, text=t) for t in "AB")
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/compare/"
    response = client.post(url, {"first": a.pk, "second": b.pk, "outcome": "both"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Choose one of the two ideas, or can't decide." in page and 'name="outcome"' in page
    assert not Comparison.objects.exists()


def test_the_vote_page_asks_a_member_without_a_perspective_to_declare_one(
    client, project, host_admin
):
    from groundswell.testing import factories

    services.statement_create(project=project, author=host_admin, text="Pay travel time")
    url = f"/projects/{project.slug}/vote/"
    client.force_login(factories.UserFactory(role=""))
    page = html.unescape(client.get(url).content.decode())
    assert f'href="/me/profile/?next={url}"' in page
    assert "Your votes count there from when you say which perspective you bring" in page
    client.force_login(factories.UserFactory(role="carer"))
    assert "which perspective you bring" not in client.get(url).content.decode()


def test_a_vote_from_the_statements_page_on_one_closed_meanwhile_goes_back_to_that_page(
    client, project, seeded, practitioner
):
    from groundswell.deliberation.models import Statement

    client.force_login(practitioner)
    Statement.objects.filter(pk=seeded[0].pk).update(status="hidden")
    url = f"/projects/{project.slug}/vote/{seeded[0].pk}/"
    for missing in [seeded[0].pk, seeded[-1].pk + 1000]:  # the same answer for both
        data = {"value": "1", "next": "statements", "page": "2"}
        response = client.post(f"/projects/{project.slug}/vote/{missing}/", data, follow=True)
        assert response.redirect_chain == [(f"/projects/{project.slug}/statements/?page=2", 302)]
        assert html.escape(STATEMENT_NOT_OPEN) in response.content.decode()
    assert not Vote.objects.exists()
    assert client.post(url, {"value": "1"}).status_code == 404  # from the vote page, as before


def test_results_of_a_project_that_only_compares_ideas_speak_of_no_votes(
    client, project, host_admin, practitioner
):
    """A project with ideas to compare and no statements: the page gives the ranking, not
    "0 votes by 0 participants on 0 statements" and sections waiting for votes that cannot come."""
    from groundswell.deliberation import analysis

    ideas = [
        services.idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(3)
    ]
    services.comparison_record(
        project=project,
        user=practitioner,
        first_id=ideas[0].pk,
        second_id=ideas[1].pk,
        outcome="first",
    )
    analysis.analysis_recompute(project_id=project.pk)
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "Ideas ranked by pairwise comparison" in page and "Idea 0" in page
    assert "from the comparisons of ideas" in page
    assert "0 votes" not in page and "0 statements" not in page
    assert "Opinion groups" not in page and "Common ground" not in page


def test_results_while_the_first_analysis_is_computed_point_at_no_results_below(
    client, project, seeded
):
    AnalysisSnapshot.objects.create(project=project, pending=True)
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "No results yet" in page and "the first analysis is being computed" in page
    assert "the results below" not in page


def test_common_ground_lists_no_statement_with_less_than_average_support(client, project, seeded):
    """Latent bridging ranks every statement by its intercept; one at or below zero has less
    support across the groups than the average statement and is no common ground."""
    result = {
        "participants": 4,
        "statements": 3,
        "votes": 12,
        "seconds": 0.01,
        "groups": [{"id": 0, "size": 4, "centre": [0.0, 0.0], "representative": []}],
        "points": [[0.1, 0.2, 0]],
        "consensus": [],
        "bridging_latent": [
            {"statement": seeded[0].pk, "score": 0.27},
            {"statement": seeded[1].pk, "score": -0.12},
        ],
        "bridging_perspective": None,
        "pairwise": [],
    }
    snapshot = AnalysisSnapshot.objects.create(
        project=project, computed_at="2026-11-27T10:00:00Z", result=result
    )
    url = f"/projects/{project.slug}/results/"
    page = client.get(url).content.decode()
    common_ground = page[page.index('id="common-ground"') : page.index('id="groups-title"')]
    assert "Point 0" in common_ground and "0.27" in common_ground
    assert "Point 1" not in common_ground and "-0.12" not in common_ground

    snapshot.result = {**result, "bridging_latent": [{"statement": seeded[1].pk, "score": -0.1}]}
    snapshot.save(update_fields=["result"])
    page = client.get(url).content.decode()
    assert "No statement yet has more support than most across the opinion groups." in page
    assert "Not enough votes yet." not in page
