"""JSON API under /api/v1/, thin over the same selectors and services as the web pages."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Query, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth
from pydantic import AfterValidator

from groundswell.api.schemas import (
    ContributionOut,
    Error,
    ProjectOut,
    ResultsOut,
    StatementOut,
    VoteIn,
    VoteOut,
)
from groundswell.contributions import selectors as contribution_selectors
from groundswell.core.ratelimit import RateLimited, rate_limit
from groundswell.deliberation import selectors as deliberation_selectors
from groundswell.deliberation import services as deliberation_services
from groundswell.projects.permissions import Action, current_phase, project_get_for_user
from groundswell.projects.selectors import projects_visible_to

api = NinjaAPI(
    title="Groundswell API",
    version="1",
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not allowed"}, status=403)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else " ".join(exc.messages)
    return api.create_response(request, {"detail": detail}, status=400)


def _project(project) -> dict:
    phases = list(project.phases.all())
    return {
        "slug": project.slug,
        "question": project.question,
        "description": project.description,
        "kind": project.kind,
        "visibility": project.visibility,
        "host": project.host_name,
        "current_phase": current_phase(project=project),
        "phases": phases,
        "url": project.get_absolute_url(),
    }


def _contribution(c) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "title": c.title,
        "body": c.body,
        "details": c.details,
        "sector": c.sector,
        "byline": c.byline,
        "author_role": c.author_role,
        "author_sector": c.author_sector,
        "created_on": c.created_at.date(),
        "comment_count": c.comment_count,
        "url": c.get_absolute_url(),
    }


@api.get("/projects", response=list[ProjectOut])
@paginate(PageNumberPagination, page_size=20)
def list_projects(request):
    return [_project(p) for p in projects_visible_to(user=request.user)]


@api.get("/projects/{slug}", response={200: ProjectOut, 404: Error})
def get_project(request, slug: str):
    return _project(project_get_for_user(slug=slug, user=request.user))


def _no_nul(value: str) -> str:
    # PostgreSQL cannot take a NUL in a query parameter: refuse it here (422), not with a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


FilterText = Annotated[str, AfterValidator(_no_nul)]


class ContributionFilters(Schema):
    kind: FilterText = ""
    sector: FilterText = ""
    author_role: FilterText = ""
    q: FilterText = ""


@api.get("/projects/{slug}/contributions", response={200: list[ContributionOut], 404: Error})
@paginate(PageNumberPagination, page_size=20)
def list_contributions(request, slug: str, filters: Query[ContributionFilters]):
    project = project_get_for_user(slug=slug, user=request.user)
    contributions = contribution_selectors.contributions_list(
        project=project, user=request.user, **filters.dict()
    )
    return [_contribution(c) for c in contributions]


@api.get("/projects/{slug}/contributions/{pk}", response={200: ContributionOut, 404: Error})
def get_contribution(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    return _contribution(contribution_selectors.contribution_get(project=project, pk=pk))


@api.get("/projects/{slug}/statements", response={200: list[StatementOut], 404: Error})
@paginate(PageNumberPagination, page_size=50)
def list_statements(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    return [
        {"id": s.pk, "text": s.text, "byline": s.byline, "my_vote": s.my_vote}
        for s in deliberation_selectors.statements_with_my_votes(project=project, user=request.user)
    ]


@api.get("/projects/{slug}/results", response={200: ResultsOut, 404: Error})
def get_results(request, slug: str):
    """The opinion groups, consensus, bridging and pairwise ranking last computed."""
    project = project_get_for_user(slug=slug, user=request.user)
    snapshot = deliberation_selectors.analysis_snapshot(project=project)
    results = deliberation_selectors.analysis_results(project=project, snapshot=snapshot)
    if results is None:
        raise Http404("No results yet: they are computed after the first votes")
    return results


@api.post(
    "/projects/{slug}/statements/{pk}/vote",
    auth=django_auth,
    response={200: VoteOut, 400: Error, 403: Error, 404: Error, 429: Error},
)
@rate_limit("vote", raise_exception=True)
def cast_vote(request, slug: str, pk: int, vote: VoteIn):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    statement = deliberation_selectors.statement_get(project=project, pk=pk)
    if statement is None:
        raise Http404("No such statement")
    saved = deliberation_services.vote_cast(
        statement=statement, user=request.user, value=vote.value
    )
    return {"statement": statement.pk, "value": saved.value, "updated_at": saved.updated_at}
