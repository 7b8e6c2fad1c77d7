"""Read a Pol.is export folder (``comments.csv`` plus ``votes.csv`` or ``participants-votes.csv``).

Vote files are parsed with numpy's C reader, not row by row. Votes in Pol.is exports use
+1 agree, -1 disagree, 0 pass; when someone voted on a comment several times the latest vote
counts. Comments with ``moderated`` = -1 were moderated out and are reported as such.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import warnings
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
    if folder.exists() and not folder.is_dir():
        raise PolisFormatError(f"{folder}: not a folder (give the folder that holds comments.csv)")
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
        wide = _utf8(wide_path, _read_participants_votes)
        polis_groups = wide[1]
    if votes_path.is_file():
        participants, statements, values, order = _utf8(votes_path, _read_votes)
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


def _utf8(path: Path, read):
    try:
        return read(path)
    except UnicodeDecodeError as error:
        raise PolisFormatError(
            f"{path}: not UTF-8 text (a byte that UTF-8 does not allow at position {error.start}; "
            "save the file as UTF-8)"
        ) from None


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
        # Strict: a quote left open would otherwise swallow every later comment into one body.
        reader = csv.reader(handle, strict=True)
        try:
            # (line where the row starts, row): a body may span several lines.
            rows = []
            line = 1
            for row in reader:
                rows.append((line, row))
                line = reader.line_num + 1
        except csv.Error as error:
            raise PolisFormatError(
                f"{path}, line {line}: {error} (is a quote left open?)"
            ) from None
    if not rows:
        raise PolisFormatError(f"{path}: the file is empty")
    header = rows[0][1]
    columns = _columns(path, header, required=("comment-id",))
    mod_col = columns.get("moderated")
    body_col = columns.get("comment-body")
    time_col = columns.get("timestamp")
    # A row cut short must not lose its comment's text (nor become a comment without one).
    needed = max(columns["comment-id"], *(c for c in (mod_col, body_col) if c is not None)) + 1
    found = _Comments()
    seen_at: dict[int, int] = {}
    for line, row in rows[1:]:
        if not row:
            continue
        if len(row) < needed:
            raise PolisFormatError(
                f"{path}, line {line}: {len(row)} field(s) where the header names {len(header)}"
            )
        try:
            cid = int(row[columns["comment-id"]])
            mod = int(row[mod_col]) if mod_col is not None and row[mod_col] != "" else 0
        except ValueError as error:
            raise PolisFormatError(f"{path}, line {line}: {error}") from None
        if not _is_id(str(cid)):
            raise PolisFormatError(f"{path}, line {line}: comment-id {cid} is too large for an id")
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
        if body_col is not None:
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
        with warnings.catch_warnings():
            # A header with no rows is a conversation with no votes yet, not a warning to print.
            warnings.filterwarnings("ignore", "loadtxt: input contained no data")
            table = np.loadtxt(
                path, delimiter=",", skiprows=1, usecols=wanted, dtype=np.int64, ndmin=2,
                quotechar='"', encoding="utf-8-sig",
            )  # fmt: skip
    except UnicodeDecodeError:
        raise
    except ValueError as error:
        # numpy counts rows from 0 after the header; say it as a person counts them.
        message = re.sub(
            r"at row (\d+), column (\d+)",
            lambda m: f"in row {int(m[1]) + 1} after the header, column {m[2]}",
            str(error),
        )
        raise PolisFormatError(f"{path}: {message}") from None
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
    except (ValueError, OverflowError):
        unexpected = next(h for h in (header[i] for i in comment_cols) if not _is_id(h))
        raise PolisFormatError(
            f"{path}: unexpected column {unexpected!r} in the header (after the participant "
            "columns, each column is a comment id)"
        ) from None
    rows = []
    width = len(header)
    for row in reader:
        if len(row) > width:
            raise PolisFormatError(
                f"{path}, line {reader.line_num}: {len(row)} fields where the header names {width}"
            )
        if row:
            rows.append(row + [""] * (width - len(row)))
    grid = np.array(rows, dtype=str).reshape(len(rows), width)
    pids = _whole_numbers(path, "participant", grid[:, columns["participant"]])
    unique, counts = np.unique(pids, return_counts=True)
    if (counts > 1).any():
        # One row per participant: which of two rows holds their votes cannot be told.
        raise PolisFormatError(f"{path}: participant {unique[counts > 1][0]} has more than one row")
    cells = grid[:, comment_cols]
    seen = cells != ""
    r, c = np.nonzero(seen)
    try:
        numbers = cells[r, c].astype(np.float64)
    except ValueError:
        raise PolisFormatError(f"{path}: votes must be 1, -1 or 0") from None
    groups: dict[int, int] = {}
    if "group-id" in columns:
        gcol = grid[:, columns["group-id"]]
        has_group = gcol != ""
        group_ids = _whole_numbers(path, "group-id", gcol[has_group])
        groups = dict(zip(pids[has_group].tolist(), group_ids.tolist(), strict=True))
    if not np.isin(numbers, (-1, 0, 1)).all():
        raise PolisFormatError(f"{path}: votes must be 1, -1 or 0")
    values = numbers.astype(np.int64)
    return (pids[r], comment_ids[c], values), groups


def _is_id(name: str) -> bool:
    """Whether the text is a whole number that fits the 64-bit ids."""
    try:
        np.int64(int(name))
    except (ValueError, OverflowError):
        return False
    return True


def _whole_numbers(path: Path, column: str, cells: np.ndarray) -> np.ndarray:
    try:
        return cells.astype(np.int64)
    except (ValueError, OverflowError):
        for cell in cells.tolist():
            if not _is_id(cell):
                raise PolisFormatError(
                    f"{path}: {column} must be a whole number, not {cell!r}"
                ) from None
        raise PolisFormatError(f"{path}: {column} must hold whole numbers") from None


def _columns(path: Path, header: list[str], *, required: tuple[str, ...]) -> dict[str, int]:
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in columns]
    if missing:
        raise PolisFormatError(f"{path}: missing column(s) {', '.join(missing)}")
    return columns
