"""Rate limits: per-member posting and voting limits; allauth's sign-up, log-in and reset limits.

The root conftest switches every limit off; each test here switches on the one it checks.
"""

import json
import os
import secrets
from datetime import UTC, timedelta

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from groundswell.contributions.models import Comment, Contribution
from groundswell.core import ratelimit
from groundswell.deliberation import services as deliberation_services
from groundswell.deliberation.models import Comparison, Idea, Statement, Vote
from groundswell.testing import factories
from groundswell.testing.factories import PASSWORD

CACHE_TABLE = "gs_test_rate_limits"


@pytest.fixture
def frozen(monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: clock["now"])
    return clock


@pytest.fixture
def limits(settings, frozen):
    """Switch the posting and voting limits on, small enough to reach in a test.

    The clock is frozen at the start of a window, so no window ends mid-test and the wait
    shown is the same on every run.
    """

    def set_limits(*, post=(2, 600), vote=(2, 60)):
        settings.GROUNDSWELL_RATE_LIMITS = {"post": post, "vote": vote}

    set_limits()
    return set_limits


def _consume(member_id: int, scope: str = "post") -> bool:
    try:
        ratelimit.rate_limit_consume(scope=scope, member_id=member_id)
    except ratelimit.RateLimited:
        return False
    return True


# --- the counter -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_counter_in_the_database_cache(limits, frozen, monkeypatch):
    limits(post=(3, 600))
    call_command("createcachetable", CACHE_TABLE, verbosity=0)
    # Two cache clients on the same table, as two server processes would each have.
    first = DatabaseCache(CACHE_TABLE, {})
    second = DatabaseCache(CACHE_TABLE, {})
    outcomes = []
    for client in [first, second, first, second, first]:
        monkeypatch.setattr(ratelimit, "cache", client)
        outcomes.append(_consume(member_id=7))
    assert outcomes == [True, True, True, False, False]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {CACHE_TABLE}")
        rows = cursor.fetchall()
    # One shared counter, named by a keyed hash of the member, never the plain id.
    assert len(rows) == 1 and ":7:" not in rows[0][0]
    # incr rewrites the entry; it must still outlive the 600-second window rather than expire
    # at the database cache's default of 300 seconds.
    expires = rows[0][1]
    if isinstance(expires, str):
        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, UTC)
    assert expires > timezone.now() + timedelta(seconds=400)
    monkeypatch.setattr(ratelimit, "cache", second)
    assert not _consume(member_id=7)
    assert _consume(member_id=8)


@pytest.fixture
def redis_location():
    """The Redis that REDIS_URL names (production's cache), else a local one on database 15.

    Skips when none answers, unless GROUNDSWELL_REQUIRE_REDIS=1 (CI) makes it mandatory.
    """
    import redis

    location = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("GROUNDSWELL_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {location} does not answer: {error}", pytrace=False)
        pytest.skip(f"Redis at {location} does not answer")
    return location


def test_two_processes_share_one_counter_in_redis(limits, frozen, monkeypatch, redis_location):
    limits(post=(3, 600))
    # Two clients with their own connections, as two server processes would have; a fresh key
    # prefix keeps this run apart from any other.
    options = {"KEY_PREFIX": f"gs-test-{secrets.token_hex(6)}"}
    first = RedisCache(redis_location, options)
    second = RedisCache(redis_location, options)
    outcomes = []
    for client in [first, second, first, second, first]:
        monkeypatch.setattr(ratelimit, "cache", client)
        outcomes.append(_consume(member_id=7))
    assert outcomes == [True, True, True, False, False]
    raw = first._cache.get_client(write=False)
    keys = raw.keys(f"{options['KEY_PREFIX']}:*")
    try:
        # One shared counter, named by a keyed hash of the member, and it outlives the window.
        assert len(keys) == 1 and b":7:" not in keys[0]
        assert raw.ttl(keys[0]) > 400
        monkeypatch.setattr(ratelimit, "cache", second)
        assert not _consume(member_id=7)
        assert _consume(member_id=8)
    finally:
        raw.delete(*raw.keys(f"{options['KEY_PREFIX']}:*"))


def test_the_limit_resets_when_the_window_ends(limits, frozen):
    limits(post=(2, 600))
    frozen["now"] = 1_800_000_000.0  # a window boundary: 600 divides it
    assert _consume(1) and _consume(1)
    frozen["now"] += 599
    with pytest.raises(ratelimit.RateLimited) as raised:
        ratelimit.rate_limit_consume(scope="post", member_id=1)
    assert raised.value.retry_after == 1
    frozen["now"] += 1
    assert _consume(1) and _consume(1)
    assert not _consume(1)


def test_one_members_limit_does_not_touch_another(limits, frozen):
    limits(vote=(1, 60))
    assert _consume(1, "vote")
    assert not _consume(1, "vote")
    assert _consume(2, "vote")
    # Posting and voting are counted apart.
    assert _consume(1, "post")


def test_no_limit_configured_means_no_limit(settings, frozen):
    settings.GROUNDSWELL_RATE_LIMITS = {"post": (0, 600)}
    assert all(_consume(1) for _ in range(50))
    assert all(_consume(1, "vote") for _ in range(50))


# --- posting -----------------------------------------------------------------------------------


def _post_statement(client, project, n):
    return client.post(
        f"/projects/{project.slug}/statements/new/",
        {"text": f"Statement {n}", "attribution": "named"},
    )


def _post_idea(client, project, n):
    return client.post(
        f"/projects/{project.slug}/ideas/new/", {"text": f"Idea {n}", "attribution": "named"}
    )


def _post_barrier(client, project, n):
    return client.post(
        f"/projects/{project.slug}/contribute/barrier/",
        {
            "title": f"Barrier {n}",
            "body": "The fifteen-minute visit rule",
            "rule": "Commissioning framework, clause 4",
            "frontline_effect": "Carers leave before the person has eaten",
            "attribution": "named",
        },
    )


def _post_comment(client, project, n):
    contribution = Contribution.objects.filter(title="Commented on").first()
    if contribution is None:
        contribution = factories.ContributionFactory(project=project, title="Commented on")
    return client.post(
        f"/projects/{project.slug}/contributions/{contribution.pk}/comment/",
        {"body": f"Comment {n}", "attribution": "named"},
    )


@pytest.mark.parametrize(
    ("post", "saved"),
    [
        (_post_statement, lambda: Statement.objects.count()),
        (_post_idea, lambda: Idea.objects.count()),
        (_post_barrier, lambda: Contribution.objects.filter(kind="barrier").count()),
        (_post_comment, lambda: Comment.objects.count()),
    ],
    ids=["statement", "idea", "contribution", "comment"],
)
def test_posting_over_the_limit_answers_429_and_saves_nothing(
    client, limits, project, host_admin, post, saved
):
    limits(post=(2, 600))
    client.force_login(host_admin)
    assert post(client, project, 1).status_code == 302
    assert post(client, project, 2).status_code == 302
    before = saved()
    response = post(client, project, 3)
    assert response.status_code == 429
    assert saved() == before
    assert 1 <= int(response["Retry-After"]) <= 600
    page = response.content.decode()
    assert "Please slow down" in page and "Skip to main content" in page  # the site's layout
    assert "Nothing was saved" in page and "Please wait" in page and "minute" in page


def test_reading_pages_and_forms_is_not_counted(client, limits, project, host_admin):
    limits(post=(1, 600))
    client.force_login(host_admin)
    for _ in range(3):
        assert client.get(f"/projects/{project.slug}/contribute/barrier/").status_code == 200
    assert _post_barrier(client, project, 1).status_code == 302


def test_another_member_can_still_post(client, limits, project, host_admin, staff):
    limits(post=(1, 600))
    client.force_login(host_admin)
    assert _post_statement(client, project, 1).status_code == 302
    assert _post_statement(client, project, 2).status_code == 429
    client.force_login(staff)
    factories.MembershipFactory(organisation=project.host_organisation, user=staff, is_admin=True)
    assert _post_statement(client, project, 3).status_code == 302


def test_organisation_creation_is_limited(client, limits, practitioner):
    limits(post=(1, 600))
    client.force_login(practitioner)
    first = client.post("/organisations/new/", {"name": "Carers Together", "kind": "charity"})
    second = client.post("/organisations/new/", {"name": "Carers Apart", "kind": "charity"})
    assert first.status_code in (200, 302)
    assert second.status_code == 429


# --- voting ------------------------------------------------------------------------------------


@pytest.fixture
def statements(project, host_admin):
    return [
        deliberation_services.statement_create(project=project, author=host_admin, text=f"S{i}")
        for i in range(4)
    ]


def _vote(client, project, statement, **extra):
    return client.post(f"/projects/{project.slug}/vote/{statement.pk}/", {"value": "1"}, **extra)


def test_web_votes_over_the_limit_answer_429(
    client, limits, frozen, project, statements, practitioner
):
    limits(vote=(2, 60))
    frozen["now"] += 30  # half-way through the minute: the wait is given in seconds
    client.force_login(practitioner)
    assert _vote(client, project, statements[0]).status_code == 302
    assert _vote(client, project, statements[1]).status_code == 302
    response = _vote(client, project, statements[2])
    assert response.status_code == 429
    assert Vote.objects.count() == 2
    assert int(response["Retry-After"]) == 30
    page = response.content.decode()
    assert "faster than we allow" in page and "30 seconds" in page and "<html" in page


def test_htmx_votes_over_the_limit_get_a_small_fragment(
    client, limits, project, statements, practitioner
):
    limits(vote=(1, 60))
    client.force_login(practitioner)
    assert _vote(client, project, statements[0], HTTP_HX_REQUEST="true").status_code == 200
    response = _vote(client, project, statements[1], HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert Vote.objects.count() == 1
    body = response.content.decode()
    assert "<html" not in body and 'role="alert"' in body and "Please wait" in body
    # It replaces the card with the button pressed: htmx gives the focus to what is autofocus.
    assert 'tabindex="-1" autofocus' in body
    assert response["Retry-After"]


def test_api_votes_over_the_limit_answer_json_429(
    client, limits, project, statements, practitioner
):
    limits(vote=(1, 60))
    client.force_login(practitioner)

    def vote(statement):
        return client.post(
            f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
            data=json.dumps({"value": 1}),
            content_type="application/json",
        )

    assert vote(statements[0]).status_code == 200
    response = vote(statements[1])
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "Please wait" in response.json()["detail"]
    assert response["Retry-After"]
    assert Vote.objects.count() == 1


def test_the_api_documents_the_429(client):
    schema = client.get("/api/v1/openapi.json").json()
    vote_path = next(p for p in schema["paths"] if p.endswith("/vote"))
    assert "429" in schema["paths"][vote_path]["post"]["responses"]


def test_pairwise_comparisons_count_as_votes(client, limits, project, host_admin, practitioner):
    ideas = [
        deliberation_services.idea_create(project=project, author=host_admin, text=f"Idea {i}")
        for i in range(2)
    ]
    limits(vote=(1, 60))
    client.force_login(practitioner)
    data = {"first": ideas[0].pk, "second": ideas[1].pk, "outcome": "first"}
    assert client.post(f"/projects/{project.slug}/compare/", data).status_code == 302
    response = client.post(f"/projects/{project.slug}/compare/", data)
    assert response.status_code == 429
    assert Comparison.objects.count() == 1
    # Looking at the next pair is not a vote.
    assert client.get(f"/projects/{project.slug}/compare/").status_code == 200


def test_another_member_can_still_vote(
    client, limits, project, statements, practitioner, service_user
):
    limits(vote=(1, 60))
    client.force_login(practitioner)
    _vote(client, project, statements[0])
    assert _vote(client, project, statements[1]).status_code == 429
    client.force_login(service_user)
    assert _vote(client, project, statements[0]).status_code == 302


# --- accounts (allauth's limits, counted in the same cache) -------------------------------------


def _log_in(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_log_in_throttling_looks_the_same_for_existing_and_unknown_accounts(
    client, settings, practitioner
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    answers = {}
    for email in [practitioner.email, "nobody-here@example.org"]:
        failures = [_log_in(client, email, "wrong password") for _ in range(3)]
        assert [r.status_code for r in failures] == [200, 200, 200]
        assert all("are not correct" in r.content.decode() for r in failures)
        throttled = _log_in(client, email, "wrong password")
        # Throttled before the password is checked: the right one is refused the same way.
        still = _log_in(client, email, PASSWORD)
        assert throttled.status_code == still.status_code == 429
        answers[email] = throttled.content.decode()
        assert still.content.decode() == answers[email]
    existing, unknown = answers.values()
    assert existing == unknown
    assert "Please slow down" in existing and "wait a few minutes" in existing
    assert practitioner.email not in existing
    assert not client.get("/me/profile/").wsgi_request.user.is_authenticated


def test_a_throttled_address_does_not_lock_out_another(client, settings, practitioner, outsider):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/key"}
    for _ in range(3):
        _log_in(client, practitioner.email, "wrong password")
    assert _log_in(client, practitioner.email, PASSWORD).status_code == 429
    assert _log_in(client, outsider.email, PASSWORD).status_code == 302


def test_behind_a_proxy_one_clients_failed_log_ins_do_not_lock_out_another(
    client, settings, practitioner
):
    """Every request comes from the proxy's address: the limit counts the client the proxy
    named, the last X-Forwarded-For entry (TRUSTED_PROXY_COUNT; groundswell/core/tests/
    test_security.py checks that it is on behind a proxy), not the entries a client can forge."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def log_in(forwarded_for, password="wrong password"):
        return client.post(
            "/accounts/login/",
            {"login": practitioner.email, "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for _ in range(3):
        log_in("203.0.113.9")
    assert log_in("203.0.113.9").status_code == 429
    assert log_in("198.51.100.1, 203.0.113.9").status_code == 429  # a forged first entry
    assert log_in("198.51.100.7", PASSWORD).status_code == 302


def test_sign_up_is_limited_with_the_sites_429_page(client, settings, db):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}

    def sign_up(name):
        return client.post(
            "/accounts/signup/",
            {
                "email": f"{name}@example.org",
                "username": name,
                "password1": "a long enough passphrase 42",
                "password2": "a long enough passphrase 42",
            },
        )

    assert sign_up("nadia").status_code == 302
    response = sign_up("nadia2")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please slow down" in page and "Skip to main content" in page
    assert not factories.UserFactory._meta.model.objects.filter(username="nadia2").exists()


def test_password_reset_is_limited(client, settings, practitioner):
    from django.core import mail

    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    first = client.post("/accounts/password/reset/", {"email": practitioner.email})
    assert first.status_code == 302
    second = client.post("/accounts/password/reset/", {"email": "nobody-here@example.org"})
    assert second.status_code == 429
    assert "Please slow down" in second.content.decode()
    assert len(mail.outbox) == 1


def test_limits_come_from_the_environment_and_fail_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from groundswell.settings import env_rate

    monkeypatch.setenv("RATE_LIMIT_POSTS", "5/60")
    assert env_rate("RATE_LIMIT_POSTS", (30, 600)) == (5, 60)
    monkeypatch.delenv("RATE_LIMIT_POSTS")
    assert env_rate("RATE_LIMIT_POSTS", (30, 600)) == (30, 600)
    for bad in ["lots", "5", "5/0", "-1/60"]:
        monkeypatch.setenv("RATE_LIMIT_POSTS", bad)
        with pytest.raises(ImproperlyConfigured):
            env_rate("RATE_LIMIT_POSTS", (30, 600))
