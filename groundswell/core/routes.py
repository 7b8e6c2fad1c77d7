"""Who may use each route: one table, checked against every URL pattern by a test.

A key is a URL name (with its namespace), or for a route without a name its pattern; `*` matches
anything, for whole families that one rule covers (the Django admin, django-allauth). A new route
without an entry here fails `groundswell/core/tests/test_routes.py`, and so does a route declared
for hosts, organisation admins, authors or staff that a plain participant can open.
"""

from enum import StrEnum
from fnmatch import fnmatchcase


class Rule(StrEnum):
    PUBLIC = "public"  # anyone; inside a project, whoever may view it (private ones: insiders)
    MEMBER = "member"  # signed in; inside a project, what the project's rules allow its members
    INVITEE = "invitee"  # signed in and holding a live invitation token
    AUTHOR = "author"  # only the author of the contribution
    OWNER = "owner"  # only the member the thing belongs to (a copy of their data)
    HOST = "host"  # the project's host admins and site staff
    ORG_ADMIN = "org_admin"  # the organisation's admins
    STAFF = "staff"  # site staff only
    ALLAUTH = "allauth"  # django-allauth's account pages: log-in, sign-up, password, e-mail


# Rules a plain participant (signed in, taking part, no rights) must never get a 200 from.
RESTRICTED = {Rule.OWNER, Rule.AUTHOR, Rule.HOST, Rule.ORG_ADMIN, Rule.STAFF}

ROUTES: dict[str, Rule] = {
    "home": Rule.PUBLIC,
    "healthz": Rule.PUBLIC,
    "conduct": Rule.PUBLIC,
    "account_*": Rule.ALLAUTH,
    # Two-factor authentication (allauth.mfa): the code asked for during log-in, then the
    # member's own authenticator pages.
    "mfa_authenticate": Rule.ALLAUTH,
    "mfa_index": Rule.MEMBER,
    "mfa_reauthenticate": Rule.MEMBER,
    "mfa_activate_totp": Rule.MEMBER,
    "mfa_deactivate_totp": Rule.MEMBER,
    "mfa_view_recovery_codes": Rule.MEMBER,
    "mfa_generate_recovery_codes": Rule.MEMBER,
    "mfa_download_recovery_codes": Rule.MEMBER,
    # The Django admin: every page needs is_staff; logging in and out are open to anyone.
    "admin:login": Rule.PUBLIC,
    "admin:logout": Rule.PUBLIC,
    "admin:*": Rule.STAFF,
    "admin/*": Rule.STAFF,
    # JSON API: reads follow the same project rules as the pages.
    "api:api-root": Rule.PUBLIC,
    "api:openapi-json": Rule.PUBLIC,
    "api:list_projects": Rule.PUBLIC,
    "api:get_project": Rule.PUBLIC,
    "api:list_contributions": Rule.PUBLIC,
    "api:get_contribution": Rule.PUBLIC,
    "api:list_statements": Rule.PUBLIC,
    "api:get_results": Rule.PUBLIC,
    "api:cast_vote": Rule.MEMBER,
    "api:cast_votes": Rule.MEMBER,
    # The lists' own URLs: reading them is public, while adding to them (POST) needs a signed-in
    # member (401 without; groundswell/api/tests/test_ideas_and_statements.py checks it).
    "api:add_statement": Rule.PUBLIC,
    "api:list_ideas": Rule.PUBLIC,
    "api:add_idea": Rule.PUBLIC,
    "api:get_pair": Rule.MEMBER,
    "api:record_comparison": Rule.MEMBER,
    "people:profile": Rule.PUBLIC,
    "people:edit": Rule.MEMBER,
    "people:lived_experience": Rule.MEMBER,
    "people:blocked": Rule.MEMBER,
    "people:block": Rule.MEMBER,
    "people:unblock": Rule.MEMBER,
    "people:suspension": Rule.STAFF,
    # The member's own data: every page acts on the signed-in member only.
    "accounts_data:my_data": Rule.MEMBER,
    "accounts_data:export_request": Rule.MEMBER,
    "accounts_data:export_download": Rule.OWNER,
    "accounts_data:delete": Rule.MEMBER,
    "organisations:list": Rule.PUBLIC,
    "organisations:detail": Rule.PUBLIC,
    "organisations:create": Rule.MEMBER,
    "organisations:accept_invite": Rule.INVITEE,
    "organisations:edit": Rule.ORG_ADMIN,
    "organisations:members": Rule.ORG_ADMIN,
    "organisations:set_admin": Rule.ORG_ADMIN,
    "organisations:verify": Rule.STAFF,
    # Verified role badges: a member asks; an admin of a verified organisation or staff decide.
    "organisations:verified_roles": Rule.MEMBER,
    "organisations:verified_role_requests": Rule.ORG_ADMIN,
    "organisations:verified_role_requests_staff": Rule.STAFF,
    "organisations:verified_role_decide": Rule.ORG_ADMIN,
    # The member withdraws their own badge; the confirming organisation's admins and staff too.
    "organisations:verified_role_revoke": Rule.OWNER,
    "projects:list": Rule.PUBLIC,
    "projects:create": Rule.MEMBER,
    "projects:join": Rule.INVITEE,
    "projects:edit": Rule.HOST,
    "projects:invites": Rule.HOST,
    "projects:invite_revoke": Rule.HOST,
    "projects:invite_codes": Rule.HOST,
    "projects:invite_code_revoke": Rule.HOST,
    # Any signed-in member may type a code; only a valid unused one lets them in.
    "projects:join_code": Rule.MEMBER,
    "contributions:browse": Rule.PUBLIC,
    "contributions:project": Rule.PUBLIC,
    "contributions:list": Rule.PUBLIC,
    "contributions:detail": Rule.PUBLIC,
    "contributions:attachment": Rule.PUBLIC,
    "contributions:choose": Rule.MEMBER,
    "contributions:create": Rule.MEMBER,
    "contributions:comment": Rule.MEMBER,
    "contributions:link": Rule.MEMBER,
    "contributions:edit": Rule.AUTHOR,
    "contributions:withdraw": Rule.AUTHOR,
    "deliberation:statements": Rule.PUBLIC,
    "deliberation:results": Rule.PUBLIC,
    "deliberation:export_polis": Rule.PUBLIC,
    "deliberation:vote": Rule.MEMBER,
    "deliberation:vote_cast": Rule.MEMBER,
    "deliberation:statement_add": Rule.MEMBER,
    "deliberation:statements_seed": Rule.HOST,
    "deliberation:compare": Rule.MEMBER,
    "deliberation:idea_add": Rule.MEMBER,
    "deliberation:statements_rejected": Rule.HOST,
    "deliberation:settings": Rule.HOST,
    "deliberation:polis_import": Rule.HOST,
    # Moderation: anyone who may view a project reports; hosts and staff decide; site-wide
    # queue for site moderators (staff); notices are the signed-in member's own.
    "moderation:flag": Rule.MEMBER,
    "moderation:queue": Rule.HOST,
    "moderation:settings": Rule.HOST,
    "moderation:decide": Rule.HOST,
    "moderation:appeal_decide": Rule.HOST,
    "moderation:statement_moderate": Rule.HOST,
    "moderation:site_queue": Rule.STAFF,
    "moderation:log": Rule.PUBLIC,
    "moderation:notices": Rule.MEMBER,
    "moderation:appeal": Rule.AUTHOR,
    "deliberation:coordination": Rule.HOST,
}


def rule_for(key: str) -> Rule | None:
    """The rule for a URL name (or unnamed pattern): an exact entry first, then the first glob."""
    if key in ROUTES:
        return ROUTES[key]
    for pattern, rule in ROUTES.items():
        if "*" in pattern and fnmatchcase(key, pattern):
            return rule
    return None
