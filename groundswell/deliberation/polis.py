"""Pol.is export folders in and out: comments.csv, votes.csv, participants-votes.csv."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from groundswell.analysis import PolisFormatError, read_polis_export
from groundswell.contributions.models import Attribution
from groundswell.deliberation.models import Statement, StatementStatus, Vote
from groundswell.deliberation.services import analysis_request
from groundswell.projects.models import Project

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv")
IMPORTED_PSEUDONYM = "Pol.is participant"


class PolisImportError(ValueError):
    """The folder cannot be imported; the message says why. Nothing was imported."""


@dataclass(frozen=True)
class ImportSummary:
    statements: int
    participants: int
    votes: int


def polis_import(*, project: Project, directory: str | Path) -> ImportSummary:
    folder = Path(directory)
    for name in POLIS_FILES:
        path = folder / name
        if path.is_file():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                raise PolisImportError(
                    f"{name} is not UTF-8 text (bad byte at position {error.start})."
                ) from None
    try:
        conversation = read_polis_export(directory=folder)
    except PolisFormatError as error:
        raise PolisImportError(str(error)) from None

    texts = conversation.statement_texts
    if not texts:
        raise PolisImportError("comments.csv has no comment-body column, or no comments.")
    matrix = conversation.votes
    voted_on = set(matrix.statement_ids[np.unique(matrix.votes.indices)].tolist())
    unknown = sorted(voted_on - set(texts))
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:10])
        raise PolisImportError(f"Votes refer to comment ids that comments.csv lacks: {shown}.")
    if matrix.votes.nnz and not np.isin(matrix.votes.data, (-1, 0, 1)).all():
        raise PolisImportError("Votes must be 1 (agree), -1 (disagree) or 0 (pass).")
    if Statement.objects.filter(project=project, polis_id__isnull=False).exists():
        raise PolisImportError("This project already holds an imported Pol.is conversation.")

    moderated_out = set(conversation.moderated_out)
    now = timezone.now()
    with transaction.atomic():
        created = Statement.objects.bulk_create(
            Statement(
                project=project,
                polis_id=comment_id,
                text=" ".join(text.split())[:280] or "(empty)",
                status=StatementStatus.REJECTED
                if comment_id in moderated_out
                else StatementStatus.ACCEPTED,
                attribution=Attribution.PSEUDONYMOUS,
                pseudonym=IMPORTED_PSEUDONYM,
                created_at=now,
            )
            for comment_id, text in sorted(texts.items())
        )
        by_polis_id = dict(
            Statement.objects.filter(project=project, polis_id__isnull=False).values_list(
                "polis_id", "pk"
            )
        )
        coo = matrix.votes.tocoo()
        statement_pks = [by_polis_id[int(matrix.statement_ids[c])] for c in coo.col]
        voters = [f"p{int(matrix.participant_ids[r])}" for r in coo.row]
        Vote.objects.bulk_create(
            (
                Vote(
                    statement_id=pk,
                    project=project,
                    voter=voter,
                    value=int(value),
                    created_at=now,
                    updated_at=now,
                )
                for pk, voter, value in zip(statement_pks, voters, coo.data, strict=True)
            ),
            batch_size=5000,
        )
    analysis_request(project_id=project.pk)
    return ImportSummary(
        statements=len(created),
        participants=int(np.count_nonzero(matrix.votes_per_participant())),
        votes=int(matrix.votes.nnz),
    )


def polis_export(*, project: Project) -> dict[str, bytes]:
    """The project's statements and votes as a Pol.is export folder (file name -> bytes).

    Imported participants keep their Pol.is ids; members get fresh numbers above them, in
    order of their first vote, so nothing in the export points back at a member account.
    """
    # Rejected statements travel as moderated out (-1), as Pol.is does; pending ones and those
    # a moderator hid or removed are not published at all.
    statements = list(
        Statement.objects.filter(
            project=project, status__in=[StatementStatus.ACCEPTED, StatementStatus.REJECTED]
        ).order_by("id")
    )
    comment_id = {}
    taken = {s.polis_id for s in statements if s.polis_id is not None}
    next_id = max(taken, default=-1) + 1
    for s in statements:
        if s.polis_id is not None:
            comment_id[s.pk] = s.polis_id
        else:
            comment_id[s.pk] = next_id
            next_id += 1
    votes = list(
        Vote.objects.filter(project=project, statement_id__in=comment_id)
        .order_by("updated_at", "id")
        .values_list("voter", "statement_id", "value", "updated_at")
    )
    imported = {int(v[1:]) for v, *_ in votes if v.startswith("p")}
    voter_id: dict[str, int] = {}
    fresh = max(imported, default=-1) + 1
    for voter, *_ in votes:
        if voter in voter_id:
            continue
        if voter.startswith("p"):
            voter_id[voter] = int(voter[1:])
        else:
            voter_id[voter] = fresh
            fresh += 1

    tallies: dict[int, list[int]] = {s.pk: [0, 0] for s in statements}
    for _, statement_pk, value, _ in votes:
        if value == 1:
            tallies[statement_pk][0] += 1
        elif value == -1:
            tallies[statement_pk][1] += 1

    def ms(moment) -> int:
        return int(moment.timestamp() * 1000)

    comments = _csv(
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ],
        (
            [
                ms(s.created_at),
                s.created_at.isoformat(),
                comment_id[s.pk],
                "",
                tallies[s.pk][0],
                tallies[s.pk][1],
                -1 if s.status == StatementStatus.REJECTED else 1,
                s.text,
            ]
            for s in statements
        ),
    )
    vote_rows = _csv(
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
        (
            [ms(at), at.isoformat(), comment_id[pk], voter_id[voter], value]
            for voter, pk, value, at in votes
        ),
    )
    ordered = [s.pk for s in statements]
    grid: dict[int, dict[int, int]] = {}
    for voter, pk, value, _ in votes:
        grid.setdefault(voter_id[voter], {})[pk] = value
    wide = _csv(
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
        + [str(comment_id[pk]) for pk in ordered],
        (
            [
                pid,
                "",
                0,
                len(row),
                sum(v == 1 for v in row.values()),
                sum(v == -1 for v in row.values()),
            ]
            + [row.get(pk, "") for pk in ordered]
            for pid, row in sorted(grid.items())
        ),
    )
    return {"comments.csv": comments, "votes.csv": vote_rows, "participants-votes.csv": wide}


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
