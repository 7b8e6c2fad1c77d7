from datetime import date, datetime

from ninja import Schema


class PhaseOut(Schema):
    kind: str
    starts_on: date
    ends_on: date


class ProjectOut(Schema):
    slug: str
    question: str
    description: str
    kind: str
    visibility: str
    host: str
    current_phase: str | None
    phases: list[PhaseOut]
    url: str


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


class StatementOut(Schema):
    id: int
    text: str
    byline: str
    my_vote: int | None = None


class VoteIn(Schema):
    value: int


class VoteOut(Schema):
    statement: int
    value: int
    updated_at: datetime


class Error(Schema):
    detail: str | dict
