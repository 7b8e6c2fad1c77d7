"""The named test world: a host organisation, a practitioner, a service user, an outsider, staff.

Every test gets the same small cast, built with factory_boy, so tests read like stories.
"""

import os
from datetime import timedelta

os.environ.setdefault("GROUNDSWELL_FAST_HASHER", "1")

import pytest
from django.utils import timezone

from groundswell.testing import factories


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POLIS_UPLOAD_DIR = tmp_path / "polis-imports"
    settings.ACCOUNT_RATE_LIMITS = False
    settings.GROUNDSWELL_RATE_LIMITS = {}  # tests of the limits switch them on
    # pytest-django loads settings before this file runs, so GROUNDSWELL_FAST_HASHER above
    # comes too late to take effect; set the fast hasher here as well.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The page cache must not carry pages from one test into the next: a fresh local-memory
    # cache per test (the database cache's table is not in the test database anyway).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "groundswell-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def host_admin(db):
    return factories.UserFactory(username="hana", display_name="Hana Host", role="manager")


@pytest.fixture
def host_org(host_admin):
    org = factories.OrganisationFactory(name="Northfield Care Trust")
    factories.MembershipFactory(organisation=org, user=host_admin, is_admin=True)
    return org


@pytest.fixture
def practitioner(db):
    return factories.UserFactory(
        username="priya",
        display_name="Priya Practitioner",
        role="practitioner",
        sector="social_care",
    )


@pytest.fixture
def service_user(db):
    return factories.UserFactory(
        username="sam", display_name="Sam Service-User", role="service_user", sector="social_care"
    )


@pytest.fixture
def outsider(db):
    return factories.UserFactory(username="olly", display_name="Olly Outsider", role="other")


@pytest.fixture
def staff(db):
    # Staff pages need two-factor authentication (groundswell/people/middleware.py).
    user = factories.UserFactory(username="stella", display_name="Stella Staff", is_staff=True)
    factories.totp_activate(user)
    return user


@pytest.fixture
def project(host_org, host_admin):
    """A public project in its gathering phase, hosted by the organisation."""
    return factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)


@pytest.fixture
def private_project(host_org, host_admin):
    return factories.ProjectFactory(
        host_organisation=host_org, created_by=host_admin, visibility="private"
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - timedelta(days=1)
