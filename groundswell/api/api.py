"""JSON API under /api/v1/, thin over the same selectors and services as the web pages."""

import json
import logging
import re
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.pagination import paginate
from ninja.parser import Parser
from ninja.security import SessionAuth
from pydantic import AfterValidator

from groundswell.api.pagination import NumberedPages
from groundswell.api.schemas import (
    ComparisonIn,
    ComparisonOut,
    ContributionOut,
    Error,
    IdeaCreatedOut,
    IdeaIn,
    IdeaOut,
    PairOut,
    ProjectOut,
    ResultsOut,
    StatementCreatedOut,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
    VotesIn,
    VotesOut,
    VotesRefused,
)
from groundswell.contributions import selectors as contribution_selectors
from groundswell.core.ratelimit import RateLimited, rate_limit, rate_limit_consume
from groundswell.deliberation import selectors as deliberation_selectors
from groundswell.deliberation import services as deliberation_services
from groundswell.deliberation.forms import ComparisonForm, IdeaForm, StatementForm
from groundswell.projects.permissions import Action, project_get_for_user
from groundswell.projects.selectors import projects_visible_to


class BodyNotJson(ValueError):
    pass


# A \u escape of a UTF-16 surrogate (D800-DFFF): only a pair of them makes a character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonBodyParser(Parser):
    """JSON bodies, with a refusal that says what was wrong (django-ninja's own says only
    "Cannot parse request body")."""

    def parse_body(self, request):
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise BodyNotJson("Send the body as JSON, with Content-Type: application/json.")
        try:
            # Decoded as UTF-8 first, strictly: json.loads(bytes) would guess UTF-16 or 32 and
            # let encoded halves of surrogate pairs through.
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BodyNotJson(
                f"The body is not UTF-8 text (bad byte at position {error.start})."
            ) from error
        try:
            data = json.loads(text)
        except ValueError as error:
            raise BodyNotJson(f"The body is not valid JSON: {error}.") from error
        except RecursionError as error:
            raise BodyNotJson("The body is not valid JSON: it is nested too deeply.") from error
        if not isinstance(data, dict):
            # Every endpoint takes an object: given a list or null, pydantic named each of its
            # fields as missing ("Field required"), saying nothing of what was wrong.
            kind = _KINDS.get(type(data), "a number")
            raise BodyNotJson(f"The body must be a JSON object ({{...}}), not {kind}.")
        if _SURROGATE_ESCAPE.search(text) and not _encodable(data):
            # JSON lets "\ud800" stand alone; no text can hold it (the database cannot save
            # it, and hashing or printing it fails): refused here rather than as a 500 later.
            raise BodyNotJson(
                "The body is not valid JSON text: a \\u escape of half a surrogate pair (D800 to "
                "DFFF) stands alone. Send each character as itself in UTF-8, or as a full pair."
            )
        return data


_KINDS = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}


def _encodable(data) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        # Logged as Django logs its own refusals, for whoever watches for forged requests.
        logging.getLogger("django.security.csrf").warning(
            "Forbidden (%s): %s", reason, request.path
        )
        return reason


def _csrf_refusal(request) -> str | None:
    """Why Django's CSRF check refuses the request, or None. django-ninja's own check says only
    "CSRF check Failed": a client over HTTPS that sent its token but no Referer was told to send
    the token."""
    check = _CsrfCheck(lambda request: None)
    request.csrf_processing_done = False
    check.process_request(request)
    return check.process_view(request, None, (), {})


class SignedInSession(SessionAuth):
    """Django's session, with its CSRF check. A visitor with no session is asked to sign in
    (401): CSRF protects a session, and "CSRF check failed" would send them looking for a token
    that cannot help."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if reason := _csrf_refusal(request):
            raise HttpError(
                403,
                f"CSRF check failed ({reason.rstrip('.')}): send the csrftoken cookie's value in "
                "an X-CSRFToken header and, over HTTPS, a Referer or Origin header of this site.",
            )
        return super().__call__(request)


signed_in = SignedInSession(csrf=False)  # checked above, saying why it failed


def _read_only(view):
    # The OpenAPI document is a plain Django view, not an endpoint: a POST to it met Django's
    # CSRF check and was refused with the site's HTML 403 page (or, with a token, answered 200).
    # Refused as any endpoint refuses a method it does not take: 405 in JSON.
    return csrf_exempt(require_safe(view))


api = NinjaAPI(
    title="Groundswell API",
    version="1",
    urls_namespace="api",
    docs_url=None,
    docs_decorator=_read_only,
    parser=JsonBodyParser(),
)

# Every error is {"detail": ...}: a sentence, or for input refused field by field an object
# naming each field with its messages, whether the API's schema or a service refused it.
ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    413: Error,
    422: Error,
    429: Error,
}


def errors(*codes: int) -> dict:
    # 400 on every route: a path with a NUL or a query string that is not UTF-8 is refused
    # before any endpoint runs (core.middleware), whichever endpoint it was meant for.
    return {code: ERRORS[code] for code in (400, *codes)}


@api.exception_handler(HttpError)
def http_error(request, exc):
    detail = str(exc)
    if isinstance(exc.__cause__, BodyNotJson):
        detail = str(exc.__cause__)
    elif isinstance(exc, AuthenticationError):
        detail = "Sign in first: this needs a signed-in member."
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


def _field(loc: tuple) -> str:
    # ("body", "vote", "value") -> "value"; ("query", "page") -> "page"; the whole body -> "body"
    source, *rest = loc
    if source == "body":
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or source


@api.exception_handler(RequestInvalid)
def request_invalid(request, exc):
    detail: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = tuple(error.get("loc") or ("body",))
        message = error.get("msg", "Invalid value")
        if loc[0] == "body" and len(loc) <= 2 and error.get("type") == "missing":
            message = "The body is missing: send a JSON object."
        detail.setdefault(_field(loc), []).append(message)
    return api.create_response(request, {"detail": detail}, status=422)


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
    body = {"detail": detail}
    if isinstance(exc, deliberation_services.StatementsNotOpen):
        body["statements_not_open"] = exc.statement_ids  # for a client to drop from its queue
    return api.create_response(request, body, status=400)


@api.get("/projects", response={200: list[ProjectOut], **errors(422)})
@paginate(NumberedPages, page_size=20)
def list_projects(request):
    return projects_visible_to(user=request.user)


@api.get("/projects/{slug}", response={200: ProjectOut, **errors(404)})
def get_project(request, slug: str):
    return project_get_for_user(slug=slug, user=request.user)


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


@api.get(
    "/projects/{slug}/contributions", response={200: list[ContributionOut], **errors(404, 422)}
)
@paginate(NumberedPages, page_size=20)
def list_contributions(request, slug: str, filters: Query[ContributionFilters]):
    project = project_get_for_user(slug=slug, user=request.user)
    return contribution_selectors.contributions_list(
        project=project, user=request.user, **filters.dict()
    )


@api.get("/projects/{slug}/contributions/{pk}", response={200: ContributionOut, **errors(404, 422)})
def get_contribution(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    return contribution_selectors.contribution_get(project=project, pk=pk)


@api.get("/projects/{slug}/statements", response={200: list[StatementOut], **errors(404, 422)})
@paginate(NumberedPages, page_size=50)
def list_statements(request, slug: str):
    """Statements open for votes, oldest first, with the signed-in member's vote on each."""
    project = project_get_for_user(slug=slug, user=request.user)
    return deliberation_selectors.statements_with_my_votes(project=project, user=request.user)


@api.get("/projects/{slug}/results", response={200: ResultsOut, **errors(404)})
def get_results(request, slug: str):
    """The opinion groups, consensus, bridging and pairwise ranking last computed."""
    project = project_get_for_user(slug=slug, user=request.user)
    snapshot = deliberation_selectors.analysis_snapshot(project=project)
    results = deliberation_selectors.analysis_results(project=project, snapshot=snapshot)
    if results is None:
        # Said as the results page says it: a client that has voted is not told to wait for votes.
        if snapshot is not None and snapshot.failed_at:
            raise Http404(
                "No results yet: the analysis of the votes failed. It is tried again when the "
                "next vote comes in."
            )
        if snapshot is not None and snapshot.pending:
            raise Http404("No results yet: the first analysis is being computed. Ask again soon.")
        raise Http404("No results yet: they are computed after the first votes")
    return results


@api.post(
    "/projects/{slug}/statements/{pk}/vote",
    auth=signed_in,
    response={200: VoteOut, **errors(400, 401, 403, 404, 413, 422, 429)},
)
@rate_limit("vote", raise_exception=True)
def cast_vote(request, slug: str, pk: int, vote: VoteIn):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    statement = deliberation_selectors.statement_open_get(project=project, pk=pk)
    if statement is None:
        raise Http404(deliberation_selectors.STATEMENT_NOT_OPEN)
    saved = deliberation_services.vote_cast(
        statement=statement, user=request.user, value=vote.value
    )
    return _vote(saved)


@api.post(
    "/projects/{slug}/votes",
    auth=signed_in,
    response={200: VotesOut, **errors(400, 401, 403, 404, 413, 422, 429), 400: VotesRefused},
)
def cast_votes(request, slug: str, batch: VotesIn):
    """Record or change up to 100 of the member's votes in one request, as a client sends the
    votes it queued while offline (a kiosk at a drop-in session, a phone out of signal). The
    same rules as one vote at a time, and each vote counts against the same rate limit. All or
    none: if any statement is not open for votes, nothing is saved, and the 400 answer lists
    those statements in `statements_not_open`. A statement sent twice keeps the later vote."""
    rate_limit_consume(scope="vote", member_id=request.user.pk, amount=len(batch.votes))
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    saved = deliberation_services.votes_cast(
        project=project,
        user=request.user,
        values={vote.statement: vote.value for vote in batch.votes},
    )
    return {"votes": [_vote(vote) for vote in saved]}


def _vote(vote) -> dict:
    return {"statement": vote.statement_id, "value": vote.value, "updated_at": vote.updated_at}


def _cleaned(form) -> dict:
    """A JSON body put through the web page's own form: the same checks (text people can read,
    lengths as saved, ids a database can take), refused as field messages (400) as the page
    refuses them next to the field."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


@api.post(
    "/projects/{slug}/statements",
    auth=signed_in,
    response={201: StatementCreatedOut, **errors(400, 401, 403, 404, 413, 422, 429)},
)
@rate_limit("post", raise_exception=True)
def add_statement(request, slug: str, statement: StatementIn):
    """Add a statement for others to vote on. Members may while the project takes them (and its
    hosts let members add statements); hosts at any time, to seed statements before voting
    opens. Where the hosts approve members' statements first, it comes back "pending"."""
    # Whoever may see the project gets this far: statement_create decides who may add one.
    project = project_get_for_user(slug=slug, user=request.user)
    fields = _cleaned(StatementForm(statement.dict()))
    saved = deliberation_services.statement_create(project=project, author=request.user, **fields)
    return Status(
        201, {"id": saved.pk, "text": saved.text, "byline": saved.byline, "status": saved.status}
    )


@api.get("/projects/{slug}/ideas", response={200: list[IdeaOut], **errors(404, 422)})
@paginate(NumberedPages, page_size=50)
def list_ideas(request, slug: str):
    """The ideas in the pool to compare, oldest first (not those waiting for a host)."""
    project = project_get_for_user(slug=slug, user=request.user)
    return deliberation_selectors.ideas_open(project=project)


@api.post(
    "/projects/{slug}/ideas",
    auth=signed_in,
    response={201: IdeaCreatedOut, **errors(400, 401, 403, 404, 413, 422, 429)},
)
@rate_limit("post", raise_exception=True)
def add_idea(request, slug: str, idea: IdeaIn):
    """Add an idea to the pool. Members may while the project takes contributions (and its
    hosts let members add ideas); hosts at any time, to seed the pool before comparing opens.
    Where the hosts approve members' ideas first, it comes back "pending" and joins the pool
    once approved."""
    # Whoever may see the project gets this far: idea_create decides who may add one.
    project = project_get_for_user(slug=slug, user=request.user)
    fields = _cleaned(IdeaForm(idea.dict()))
    return Status(
        201, deliberation_services.idea_create(project=project, author=request.user, **fields)
    )


@api.get(
    "/projects/{slug}/pair",
    auth=signed_in,
    response={200: PairOut, 204: None, **errors(401, 403, 404, 409)},
)
def get_pair(request, slug: str):
    """Two ideas for the signed-in member to compare, in the order to show them. 204 (no
    content) when the member has compared every pair there is: new pairs come as new ideas join
    the pool. 409 when the pool has fewer than two ideas, so nobody has anything to compare yet
    (see .../ideas)."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    pair = deliberation_selectors.idea_pair(project=project, user=request.user)
    if pair == deliberation_selectors.NoPair.COMPARED_ALL:
        return Status(204, None)
    if pair == deliberation_selectors.NoPair.TOO_FEW_IDEAS:
        return Status(409, {"detail": "There are not yet two ideas in the pool to compare."})
    settings = deliberation_services.deliberation_settings(project=project)
    return {"prompt": settings.pairwise_prompt, "first": pair[0], "second": pair[1]}


@api.post(
    "/projects/{slug}/comparisons",
    auth=signed_in,
    response={200: ComparisonOut, **errors(400, 401, 403, 404, 413, 422, 429)},
)
@rate_limit("vote", raise_exception=True)
def record_comparison(request, slug: str, comparison: ComparisonIn):
    """Record which of two ideas the member chose ("first", "second", or "tie": can't decide),
    or change their choice: one judgement per member and pair, whichever idea came first."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    fields = _cleaned(ComparisonForm(comparison.dict()))
    saved = deliberation_services.comparison_record(
        project=project,
        user=request.user,
        first_id=fields["first"],
        second_id=fields["second"],
        outcome=fields["outcome"],
    )
    return {"first": saved.first_id, "second": saved.second_id, "outcome": saved.outcome}
