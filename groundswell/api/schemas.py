from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from groundswell.contributions.models import Attribution
from groundswell.deliberation.forms import MAX_ID
from groundswell.deliberation.models import Outcome, VoteValue
from groundswell.deliberation.services import VOTES_AT_ONCE
from groundswell.projects.permissions import current_phase


class PhaseOut(Schema):
    kind: str
    starts_on: date
    ends_on: date


# Read from the model, not from a dict built for each item: a list endpoint then hands its
# queryset to the pages, which read only the page asked for (building every item first made
# each page of a long list read the whole list).
class ProjectOut(Schema):
    slug: str
    question: str
    description: str
    kind: str
    visibility: str
    host: str = Field(alias="host_name")
    current_phase: str | None
    phases: list[PhaseOut]
    url: str

    @staticmethod
    def resolve_current_phase(project) -> str | None:
        return current_phase(project=project)

    @staticmethod
    def resolve_url(project) -> str:
        return project.get_absolute_url()


class ContributionOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    details: dict
    sector: str
    byline: str
    author_role: str
    author_sector: str
    created_on: date
    comment_count: int
    url: str

    @staticmethod
    def resolve_created_on(contribution) -> date:
        return contribution.created_at.date()

    @staticmethod
    def resolve_url(contribution) -> str:
        return contribution.get_absolute_url()


class StatementOut(Schema):
    id: int
    text: str
    byline: str
    my_vote: int | None = None


def _not_a_boolean(value):
    # Lax integers would take JSON true as agree (1) and false as pass (0): refuse both.
    if isinstance(value, bool):
        raise ValueError("a vote is 1 (agree), -1 (disagree) or 0 (pass), not true or false")
    return value


# Documented as the three values a vote takes; any other integer is refused by vote_cast (400)
# with the words the page uses, so the schema does not check it itself.
_VOTE_VALUES = Field(
    json_schema_extra={"enum": sorted(VoteValue.values)},
    description="1 agree, -1 disagree, 0 pass.",
)


class VoteIn(Schema):
    value: Annotated[int, BeforeValidator(_not_a_boolean), _VOTE_VALUES]


class VoteOut(Schema):
    statement: int
    value: Annotated[int, _VOTE_VALUES]
    updated_at: datetime


class VoteItemIn(VoteIn):
    statement: int = Field(ge=1, le=MAX_ID)


class VotesIn(Schema):
    votes: list[VoteItemIn] = Field(min_length=1, max_length=VOTES_AT_ONCE)


class VotesOut(Schema):
    votes: list[VoteOut]  # in statement order


# A field the schema does not name is refused (422), not ignored: "attribuion": "protected"
# would otherwise publish the text under its author's name, the default.
_ONLY_NAMED_FIELDS = ConfigDict(extra="forbid")


class StatementIn(Schema):
    model_config = _ONLY_NAMED_FIELDS

    text: str
    attribution: Attribution = Attribution.NAMED


class StatementCreatedOut(Schema):
    id: int
    text: str  # as saved: each run of spaces and line breaks made one space
    byline: str
    status: Literal["accepted", "pending"]  # open for votes, or waiting for a host to approve it


class IdeaIn(Schema):
    model_config = _ONLY_NAMED_FIELDS

    text: str
    attribution: Attribution = Attribution.NAMED


class IdeaOut(Schema):
    # No byline: the pages show an idea by its text alone.
    id: int
    text: str


class IdeaCreatedOut(IdeaOut):
    status: Literal["accepted", "pending"]  # in the pool, or waiting for a host to approve it


class PairOut(Schema):
    prompt: str  # the host's question, such as "Which of these two matters more?"
    first: IdeaOut
    second: IdeaOut


# Ids as JSON numbers: lax integers would take true as idea 1 and "2" as idea 2. The range the
# page's form takes (refused there, 400) is documented, as it is for a vote's statement.
IdeaId = Annotated[int, Field(strict=True, json_schema_extra={"minimum": 1, "maximum": MAX_ID})]


class ComparisonIn(Schema):
    first: IdeaId
    second: IdeaId
    outcome: Outcome  # "first", "second", or "tie" (can't decide)


class ComparisonOut(Schema):
    first: int
    second: int
    outcome: Outcome


class Error(Schema):
    # A sentence, or for input refused field by field: each field's messages.
    detail: str | dict[str, list[str]]


class VotesRefused(Error):
    # When votes sent together are refused because some statements are not open for votes.
    statements_not_open: list[int] | None = None


class ScoredStatementOut(Schema):
    statement: int
    text: str
    score: float


class RepresentativeOut(ScoredStatementOut):
    direction: str  # "agree" or "disagree": what sets the group apart
    agree: float  # share of the group who agreed, of those who saw it
    disagree: float


class GroupOut(Schema):
    id: int
    size: int
    representative: list[RepresentativeOut]


class PerspectiveStatementOut(ScoredStatementOut):
    weakest: str  # the perspective (role) with the lowest agreement
    rates: list[float]  # agreement per perspective, in the order of `perspectives`, smoothed:
    # (agreed + 1) / (voted + 2), the ranking's cautious estimate
    seen: int | None = None  # how many of the weakest perspective voted on the statement
    # The share of those who agreed; None when fewer than `min_voters` of them voted (the share
    # of one or two people is their votes; their rate then counts as 1/2, as if none had voted).
    agree: float | None = None


class PerspectiveBridgingOut(Schema):
    perspectives: list[str]
    members: list[int]
    min_voters: int  # a perspective's votes on a statement count from this many voters
    top: list[PerspectiveStatementOut]


class RankedIdeaOut(Schema):
    idea: int
    text: str
    score: float  # chance (0-100) of winning against a random other idea
    score_lower: float | None = None  # 95% interval of the score
    score_upper: float | None = None
    comparisons: int


class ResultsOut(Schema):
    computed_at: datetime
    # Later votes are waiting for the next recompute (a few seconds), or updating with them
    # failed at `failed_at` (tried again at the next vote): these results are older than them.
    pending: bool
    failed_at: datetime | None
    participants: int
    statements: int
    votes: int
    groups: list[GroupOut]
    points: list[list[float]]  # opinion map: [x, y, group] per participant (a sample if many)
    consensus: list[ScoredStatementOut]
    bridging_latent: list[ScoredStatementOut]
    bridging_perspective: PerspectiveBridgingOut | None
    pairwise: list[RankedIdeaOut]
