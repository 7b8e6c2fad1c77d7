"""The member's data as one JSON document: what "Download my data" delivers."""

from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from groundswell.accounts_data.collect import protected_items_of
from groundswell.contributions.models import Comment, Contribution
from groundswell.deliberation.models import Comparison, Idea, PolisImport, Statement, Vote
from groundswell.deliberation.services import voter_key
from groundswell.moderation.models import Flag
from groundswell.moderation.selectors import decisions_about_me
from groundswell.organisations.models import Membership, VerifiedRole
from groundswell.people.models import Block, RetiredPseudonym, Suspension, User
from groundswell.projects.models import Participant, Project

FORMAT_VERSION = 1


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _attributed(item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "attribution": item.attribution,
        "pseudonym": item.pseudonym,
        "author_role": item.author_role,
        "author_sector": item.author_sector,
        "created_at": _when(item.created_at),
    }


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        **_attributed(c),
        "project": c.project.slug,
        "kind": c.kind,
        "title": c.title,
        "body": c.body,
        "details": c.details,
        "sector": c.sector,
        "status": c.status,
        "attachment": c.attachment.name or None,
    }


def _comment(c: Comment) -> dict[str, Any]:
    return {
        **_attributed(c),
        "project": c.contribution.project.slug,
        "contribution": c.contribution_id,
        "parent": c.parent_id,
        "body": c.body,
    }


def _statement(s: Statement) -> dict[str, Any]:
    return {**_attributed(s), "project": s.project.slug, "text": s.text, "status": s.status}


def _idea(i: Idea) -> dict[str, Any]:
    return {**_attributed(i), "project": i.project.slug, "text": i.text}


def member_data(*, user: User) -> dict[str, Any]:
    """Everything the site holds about the member. For the member's own eyes only."""
    protected = protected_items_of(user_id=user.pk)
    key = voter_key(user)
    contributions = Contribution.objects.select_related("project").order_by("pk")
    comments = Comment.objects.select_related("contribution__project").order_by("pk")
    statements = Statement.objects.select_related("project").order_by("pk")
    ideas = Idea.objects.select_related("project").order_by("pk")
    return {
        "format": "groundswell-member-data",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "bio": user.bio,
            "role": user.role,
            "sector": user.sector,
            "region": user.region,
            "pseudonym": user.pseudonym,
            # Given up, but kept from others while items written under them may show them.
            "former_pseudonyms": sorted(
                RetiredPseudonym.objects.filter(user=user).values_list("pseudonym", flat=True)
            ),
            # Special-category data: in this export, for the member, and in no other.
            "lived_experience": user.lived_experience,
            "lived_experience_consent_at": _when(user.lived_experience_consent_at),
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "is_staff": user.is_staff,
        },
        "blocked_members": [
            {"username": b.blocked.username, "blocked_at": _when(b.created_at)}
            for b in Block.objects.filter(blocker=user).select_related("blocked").order_by("pk")
        ],
        "suspensions": [
            {
                "reason": s.reason,
                "suspended_at": _when(s.suspended_at),
                "lifted_at": _when(s.lifted_at),
            }
            for s in Suspension.objects.filter(user=user).order_by("pk")
        ],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "memberships": [
            {
                "organisation": m.organisation.name,
                "slug": m.organisation.slug,
                "is_admin": m.is_admin,
                "joined_at": _when(m.joined_at),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "participations": [
            {
                "project": p.project.slug,
                "question": p.project.question,
                "joined_on": str(p.joined_on),
                "joined_via": p.joined_via,
            }
            for p in Participant.objects.filter(user=user).select_related("project")
        ],
        "verified_roles": [
            {
                "role": r.label,
                "employer_kind": r.employer_kind,
                "asked": r.organisation.name if r.organisation else "site staff",
                "status": r.status,
                "confirmed_by_staff": r.confirmed_by_staff,
                "requested_at": _when(r.requested_at),
                "decided_on": _when(r.decided_on),
                "revoked": r.revoked,
            }
            for r in VerifiedRole.objects.filter(member=user).select_related("organisation")
        ],
        "polis_imports": [
            {
                "project": i.project.slug,
                "uploaded_at": _when(i.created_at),
                "status": i.status,
                "outcome": i.message,
            }
            for i in PolisImport.objects.filter(started_by=user)
            .select_related("project")
            .order_by("pk")
        ],
        "hosted_projects": [
            {"project": p.slug, "question": p.question}
            for p in Project.objects.filter(host_user=user).order_by("pk")
        ],
        "contributions": [_contribution(c) for c in contributions.filter(author=user)],
        "comments": [_comment(c) for c in comments.filter(author=user)],
        "statements": [_statement(s) for s in statements.filter(author=user)],
        "ideas": [_idea(i) for i in ideas.filter(author=user)],
        "protected": {
            "contributions": [
                _contribution(c) for c in contributions.filter(pk__in=protected.ids["contribution"])
            ],
            "comments": [_comment(c) for c in comments.filter(pk__in=protected.ids["comment"])],
            "statements": [
                _statement(s) for s in statements.filter(pk__in=protected.ids["statement"])
            ],
            "ideas": [_idea(i) for i in ideas.filter(pk__in=protected.ids["idea"])],
        },
        "voter_key": key,
        "votes": [
            {
                "statement": v.statement_id,
                "statement_text": v.statement.text,
                "project": v.project.slug,
                "value": v.value,
                "perspective": v.perspective,
                "created_at": _when(v.created_at),
                "updated_at": _when(v.updated_at),
            }
            for v in Vote.objects.filter(voter=key).select_related("statement", "project")
        ],
        "reports_made": [
            {
                "project": f.project.slug,
                "item_kind": f.item_kind,
                "item_id": f.item_id,
                "reason": f.reason,
                "note": f.note,
                "created_at": _when(f.created_at),
            }
            for f in Flag.objects.filter(flagger=user).select_related("project").order_by("pk")
        ],
        # Decisions on the member's own items (protected ones found by their key) and appeals.
        "moderation_notices": [
            {
                "project": d.project.slug,
                "item_kind": d.item_kind,
                "item_id": d.item_id,
                "outcome": d.outcome,
                "reason": d.reason,
                "decided_at": _when(d.decided_at),
                "appeal": {
                    "text": d.appeal.text,
                    "made_on": str(d.appeal.made_on),
                    "status": d.appeal.status,
                    "outcome_reason": d.appeal.outcome_reason,
                }
                if hasattr(d, "appeal")
                else None,
            }
            for d in decisions_about_me(user=user)
        ],
        "comparisons": [
            {
                "project": c.project.slug,
                "first": c.first_id,
                "second": c.second_id,
                "outcome": c.outcome,
                "created_at": _when(c.created_at),
            }
            for c in Comparison.objects.filter(voter=key).select_related("project")
        ],
    }
