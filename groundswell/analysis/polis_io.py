"""Read a Pol.is export folder (``comments.csv`` plus ``votes.csv`` or ``participants-votes.csv``).

Vote files are parsed with numpy's C reader, not row by row. Votes in Pol.is exports use
+1 agree, -1 disagree, 0 pass; when someone voted on a comment several times the latest vote
counts. Comments with ``moderated`` = -1 were moderated out and are reported as such.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from groundswell.analysis.matrix import VoteMatrix

_PARTICIPANT_META = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree",
                     "n-disagree"}  # fmt: skip


class PolisFormatError(ValueError):
    """The folder is not a readable Pol.is export; the message says what is wrong."""


@dataclass(frozen=True, eq=False)
class PolisConversation:
    directory: Path
    votes: VoteMatrix
    moderated_out: tuple[int, ...]
    statement_texts: dict[int, str] = field(repr=False)
    # Pol.is's own opinion group per participant id, for those Pol.is clustered.
    polis_groups: dict[int, int] = field(repr=False)
    # Comments whose `moderated` is 0: no moderator had seen them yet.
    unmoderated: frozenset[int] = field(default=frozenset(), repr=False)
    # When each comment was written, in milliseconds since the epoch, where comments.csv says.
    comment_times: dict[int, int] = field(default_factory=dict, repr=False)
    # Every row of votes.csv that has a time: (participant ids, comment ids, milliseconds).
    vote_log: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False)


def read_polis_export(*, directory: str | Path) -> PolisConversation:
    folder = Path(directory)
    if not folder.is_dir():
        raise PolisFormatError(f"{folder}: no such folder")
    comments_path = folder / "comments.csv"
    if not comments_path.is_file():
        raise PolisFormatError(f"{folder}: comments.csv is missing")
    comments = _read_comments(comments_path)
    comment_ids, moderated, texts = comments.ids, comments.moderated, comments.texts
    votes_path = folder / "votes.csv"
    wide_path = folder / "participants-votes.csv"
    polis_groups: dict[int, int] = {}
    if wide_path.is_file():
        wide = _read_participants_votes(wide_path)
        polis_groups = wide[1]
    if votes_path.is_file():
        participants, statements, values, order = _read_votes(votes_path)
    elif wide_path.is_file():
        participants, statements, values = wide[0]
        order = None
    else:
        raise PolisFormatError(f"{folder}: neither votes.csv nor participants-votes.csv is present")
    statement_ids = np.union1d(np.asarray(comment_ids, dtype=np.int64), statements)
    votes = VoteMatrix.from_triples(
        participants=participants,
        statements=statements,
        values=values,
        order=order,
        statement_ids=statement_ids,
    )
    moderated_out = tuple(
        sorted(c for c, mod in zip(comment_ids, moderated, strict=True) if mod == -1)
    )
    return PolisConversation(
        directory=folder,
        votes=votes,
        moderated_out=moderated_out,
        statement_texts=texts,
        polis_groups=polis_groups,
        unmoderated=frozenset(comments.unmoderated),
        comment_times=comments.times,
        vote_log=(participants, statements, order) if order is not None else None,
    )


@dataclass
class _Comments:
    ids: list[int] = field(default_factory=list)
    moderated: list[int] = field(default_factory=list)  # the column's value, 0 when empty
    texts: dict[int, str] = field(default_factory=dict)
    unmoderated: set[int] = field(default_factory=set)  # written "0": not blank
    times: dict[int, int] = field(default_factory=dict)  # milliseconds, where readable


def _read_comments(path: Path) -> _Comments:
    # Comment bodies hold commas, quotes and newlines, so these go through the csv module; a
    # conversation has at most thousands of comments.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise PolisFormatError(f"{path}: the file is empty")
        columns = _columns(path, header, required=("comment-id",))
        mod_col = columns.get("moderated")
        body_col = columns.get("comment-body")
        time_col = columns.get("timestamp")
        found = _Comments()
        seen_at: dict[int, int] = {}
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                cid = int(row[columns["comment-id"]])
                mod = int(row[mod_col]) if mod_col is not None and row[mod_col] != "" else 0
            except (ValueError, IndexError) as error:
                raise PolisFormatError(f"{path}, line {line}: {error}") from None
            if cid in seen_at:
                raise PolisFormatError(
                    f"{path}, line {line}: comment-id {cid} is already used on line "
                    f"{seen_at[cid]}; each comment needs its own id"
                )
            seen_at[cid] = line
            found.ids.append(cid)
            found.moderated.append(mod)
            if mod_col is not None and row[mod_col].strip() == "0":
                found.unmoderated.add(cid)
            if body_col is not None and body_col < len(row):
                found.texts[cid] = row[body_col]
            try:
                if time_col is not None:
                    found.times[cid] = int(row[time_col])
            except (ValueError, IndexError):
                pass  # a comment with no readable time has none
    return found


def _read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if header is None:
        raise PolisFormatError(f"{path}: the file is empty")
    columns = _columns(path, header, required=("comment-id", "voter-id", "vote"))
    wanted = [columns["voter-id"], columns["comment-id"], columns["vote"]]
    has_time = "timestamp" in columns
    if has_time:
        wanted.append(columns["timestamp"])
    try:
        table = np.loadtxt(
            path, delimiter=",", skiprows=1, usecols=wanted, dtype=np.int64, ndmin=2,
            quotechar='"', encoding="utf-8-sig",
        )  # fmt: skip
    except ValueError as error:
        raise PolisFormatError(f"{path}: {error}") from None
    values = table[:, 2]
    if table.size and not np.isin(values, (-1, 0, 1)).all():
        raise PolisFormatError(f"{path}: votes must be 1, -1 or 0")
    order = table[:, 3] if has_time else None
    return table[:, 0], table[:, 1], values, order


def _read_participants_votes(
    path: Path,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], dict[int, int]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        text = handle.read()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise PolisFormatError(f"{path}: the file is empty")
    columns = _columns(path, header, required=("participant",))
    comment_cols = [i for i, name in enumerate(header) if name not in _PARTICIPANT_META]
    try:
        comment_ids = np.array([int(header[i]) for i in comment_cols], dtype=np.int64)
    except ValueError:
        raise PolisFormatError(f"{path}: unexpected column in header") from None
    rows = [row for row in reader if row]
    width = len(header)
    grid = np.array([row + [""] * (width - len(row)) for row in rows], dtype=str).reshape(
        len(rows), width
    )
    try:
        pids = grid[:, columns["participant"]].astype(np.int64)
        cells = grid[:, comment_cols]
        seen = cells != ""
        r, c = np.nonzero(seen)
        values = cells[r, c].astype(np.float64).astype(np.int64)
    except ValueError as error:
        raise PolisFormatError(f"{path}: {error}") from None
    groups: dict[int, int] = {}
    if "group-id" in columns:
        gcol = grid[:, columns["group-id"]]
        has_group = gcol != ""
        groups = dict(
            zip(pids[has_group].tolist(), gcol[has_group].astype(np.int64).tolist(), strict=True)
        )
    return (pids[r], comment_ids[c], values), groups


def _columns(path: Path, header: list[str], *, required: tuple[str, ...]) -> dict[str, int]:
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in columns]
    if missing:
        raise PolisFormatError(f"{path}: missing column(s) {', '.join(missing)}")
    return columns
