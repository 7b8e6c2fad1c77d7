"""Pol.is export folders in and out: comments.csv, votes.csv, participants-votes.csv."""

import csv
import hashlib
import io
import itertools
import logging
import shutil
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from groundswell.analysis import PolisFormatError, read_polis_export
from groundswell.contributions.models import Attribution
from groundswell.deliberation.models import (
    IMPORT_UNDER_WAY,
    IMPORTED_STATEMENT_MAX_LENGTH,
    IMPORTED_VOTER,
    LICENCE_MAX,
    DeliberationSettings,
    ImportStatus,
    PolisImport,
    Statement,
    StatementStatus,
    Vote,
    text_key,
)
from groundswell.deliberation.services import analysis_request
from groundswell.projects.models import Project
from groundswell.projects.permissions import Action, can
from groundswell.projects.services import project_row_lock

logger = logging.getLogger(__name__)

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv")
# Statement.polis_id is a PositiveIntegerField: what every database takes in one.
POLIS_ID_MAX = 2**31 - 1
ATTRIBUTION_FILE = "ATTRIBUTION.txt"
CREDIT_START = "Statements and votes imported from "

IMPORTED_PSEUDONYM = "Pol.is participant"
VOTE_BATCH = 5000  # votes saved per INSERT during an import, and between two progress lines

Progress = Callable[[str], None]


def _silent(line: str) -> None:
    pass


class PolisImportError(ValueError):
    """The folder cannot be imported; the message says why. Nothing was imported."""


@dataclass(frozen=True)
class ImportSummary:
    statements: int
    participants: int
    votes: int


def polis_import(
    *,
    project: Project,
    directory: str | Path,
    language: str = "",
    licence: str = "",
    progress: Progress = _silent,
) -> ImportSummary:
    """Import the folder into the project; `progress` is told each step of a long import.

    `language` is the statements' language code (Pol.is exports do not say), kept as the
    project's statement language so that screen readers read them in it. `licence` says under
    what terms the data is shared, and with whose credit (Pol.is exports do not say that
    either): it joins the credit shown with the statements and results and put in exports.
    """
    folder = Path(directory)
    if language and (problems := _language_problems(language)):
        raise PolisImportError(" ".join(problems))
    # Cut short, a licence could lose the very credit its publisher asks for: refuse it instead.
    if len(" ".join(licence.split())) > LICENCE_MAX:
        raise PolisImportError(
            f"The licence is too long: give the terms and credit in at most {LICENCE_MAX} "
            "characters (a link to the full terms will do)."
        )
    progress(f"Reading {folder}…")
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
    _refuse_second_import(project)

    _refuse_comments(
        [i for i in texts if not 0 <= i <= POLIS_ID_MAX],
        f"Comment ids must be whole numbers from 0 to {POLIS_ID_MAX}",
    )
    # PostgreSQL cannot store a NUL character in text.
    _refuse_comments(
        [i for i, t in texts.items() if "\x00" in t], "Comments holding a NUL character"
    )
    _refuse_comments(
        [i for i, t in texts.items() if len(t.strip()) > IMPORTED_STATEMENT_MAX_LENGTH],
        f"Comments longer than {IMPORTED_STATEMENT_MAX_LENGTH} characters",
    )
    moderated_out = set(conversation.moderated_out)
    now = timezone.now()
    # When each comment was written and each vote cast, as Pol.is recorded it, so that an
    # export gives the conversation's own times back rather than the moment of the import.
    comment_times = {
        comment_id: moment
        for comment_id, ms in conversation.comment_times.items()
        if (moment := _moment(ms)) is not None
    }
    # Under Pol.is's strict moderation an unmoderated comment was never shown to voters (it holds
    # only its author's own vote), so it comes in waiting for a host, not open for votes.
    unmoderated = conversation.unmoderated
    participants = int(np.count_nonzero(matrix.votes_per_participant()))
    vote_times = _vote_times(conversation.vote_log)
    with transaction.atomic():
        # Two imports into one project at once: the second waits for the first (the project's
        # row is locked; SQLite writes one transaction at a time) and is then refused by the
        # same check, instead of crashing on the statements' unique Pol.is ids.
        project_row_lock(project=project)
        _refuse_second_import(project)
        DeliberationSettings.objects.update_or_create(
            project=project,
            defaults={
                "imported_from": _credit(folder, licence=licence),
                "imported_participants": participants,
            }
            | ({"statement_language": language} if language else {}),
        )
        created = Statement.objects.bulk_create(
            Statement(
                project=project,
                polis_id=comment_id,
                # As published, line breaks and all, so that an export gives the same text
                # back; only the blank space around it goes.
                text=(kept := text.strip() or "(empty)"),
                text_key=text_key(kept),
                status=StatementStatus.REJECTED
                if comment_id in moderated_out
                else StatementStatus.PENDING
                if comment_id in unmoderated
                else StatementStatus.ACCEPTED,
                attribution=Attribution.PSEUDONYMOUS,
                pseudonym=IMPORTED_PSEUDONYM,
                created_at=comment_times.get(comment_id, now),
            )
            for comment_id, text in sorted(texts.items())
        )
        by_polis_id = dict(
            Statement.objects.filter(project=project, polis_id__isnull=False).values_list(
                "polis_id", "pk"
            )
        )
        coo = matrix.votes.tocoo()
        comment_ids = [int(matrix.statement_ids[c]) for c in coo.col]
        participant_ids = [int(matrix.participant_ids[r]) for r in coo.row]
        total = len(comment_ids)
        progress(f"{len(created):,} statements written; writing {total:,} votes…")
        rows = (
            Vote(
                statement_id=by_polis_id[comment_id],
                project=project,
                voter=f"{IMPORTED_VOTER}{participant_id}",
                value=int(value),
                created_at=times[0],
                updated_at=times[1],
            )
            for comment_id, participant_id, value in zip(
                comment_ids, participant_ids, coo.data, strict=True
            )
            for times in [vote_times.get((participant_id, comment_id), (now, now))]
        )
        saved = 0
        # Batch by batch, saying how far it has got: a large conversation takes a while. None
        # of it is kept unless all of it is (the transaction).
        while batch := list(itertools.islice(rows, VOTE_BATCH)):
            Vote.objects.bulk_create(batch)
            saved += len(batch)
            progress(f"Votes written: {saved:,} of {total:,}.")
    analysis_request(project_id=project.pk)
    return ImportSummary(
        statements=len(created), participants=participants, votes=int(matrix.votes.nnz)
    )


# What an upload may hold: the export's files, and the credit that comes with them.
UPLOAD_FILES = {n.lower(): n for n in (*POLIS_FILES, "summary.csv", ATTRIBUTION_FILE)}
# An import still waiting or running after this long died with its worker: nothing of it was
# kept (it writes in one transaction), and it must not stop the host from trying again.
IMPORT_GIVEN_UP = timedelta(hours=1)


def polis_upload_files(uploads: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """The export's files from what a host uploaded: the CSV files themselves, or one .zip
    holding them (at any depth, as Pol.is's and our own exports are zipped). Other files are
    left out. Raises PolisImportError saying what is wrong."""
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        name, content = uploads[0]
        files = _unzipped(name, content)
        if not files:
            raise PolisImportError(
                f"{name} holds none of the files of a Pol.is export ({', '.join(POLIS_FILES)})."
            )
    else:
        files = uploads
        if any(n.lower().endswith(".zip") for n, _ in files):
            raise PolisImportError("Upload one zip file on its own, or the CSV files without it.")
        strangers = [n for n, _ in files if n.lower() not in UPLOAD_FILES]
        if strangers:
            raise PolisImportError(
                f"{', '.join(strangers)}: not a file of a Pol.is export. Upload "
                f"{', '.join(POLIS_FILES)} as Pol.is named them, or a zip holding them."
            )
    chosen: dict[str, bytes] = {}
    for name, content in files:
        name = UPLOAD_FILES[name.lower()]  # as the importer looks for it
        if name in chosen:
            raise PolisImportError(f"There are two files called {name}.")
        chosen[name] = content
    if "comments.csv" not in chosen:
        raise PolisImportError("comments.csv is missing: it holds the statements.")
    if not {"votes.csv", "participants-votes.csv"} & set(chosen):
        raise PolisImportError(
            "votes.csv or participants-votes.csv is missing: one of them holds the votes."
        )
    return chosen


def _unzipped(name: str, content: bytes) -> list[tuple[str, bytes]]:
    """The export's files in a zip, by name alone (never a member's path, which could point
    anywhere). What they unpack to is held to the upload limit too: the worker reads it all."""
    limit = settings.GROUNDSWELL_MAX_UPLOAD_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        wanted = [
            i
            for i in archive.infolist()
            if not i.filename.endswith("/") and Path(i.filename).name.lower() in UPLOAD_FILES
        ]
        if sum(i.file_size for i in wanted) > limit:
            raise PolisImportError(f"{name} unpacks to more than {filesizeformat(limit)}.")
        # A member cannot unpack to more than it declares: zipfile checks as it reads.
        return [(Path(i.filename).name, archive.read(i)) for i in wanted]
    except PolisImportError:
        raise
    except Exception:
        # Damaged or crafted in any of the many ways zipfile, zlib and struct can refuse
        # (truncated, bad offsets or names, a newer format, encrypted, a bad checksum).
        raise PolisImportError(f"{name} is not a zip file that can be opened.") from None


def polis_import_start(
    *, project: Project, by, files: dict[str, bytes], language: str = "", licence: str = ""
) -> PolisImport:
    """A host's upload (see polis_upload_files), kept until the background task imports it."""
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can import a Pol.is conversation.")
    if language and (problems := _language_problems(language)):
        raise ValidationError({"language": problems})
    # Written before the project's row is locked (writing takes a while), and deleted if the
    # upload is refused.
    folder = Path(settings.POLIS_UPLOAD_DIR) / uuid.uuid4().hex
    try:
        folder.mkdir(parents=True)
        for name, content in files.items():
            (folder / name).write_bytes(content)
        with transaction.atomic():
            project_row_lock(project=project)
            try:
                _refuse_second_import(project)
            except PolisImportError as error:
                raise ValidationError(str(error)) from None
            _give_up_dead_imports(project=project)
            if PolisImport.objects.filter(project=project, status__in=IMPORT_UNDER_WAY).exists():
                raise ValidationError("An import into this project is already under way.")
            upload = PolisImport.objects.create(
                project=project,
                started_by=by,
                language=language,
                licence=licence[:LICENCE_MAX],
                folder=str(folder),
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    from groundswell.deliberation.tasks import import_polis_upload

    transaction.on_commit(lambda: import_polis_upload.enqueue(import_id=upload.pk))
    return upload


def _give_up_dead_imports(*, project: Project) -> None:
    """Imports waiting or running for over IMPORT_GIVEN_UP died with their worker: marked
    failed, their files deleted, so that the host can try again."""
    cutoff = timezone.now() - IMPORT_GIVEN_UP
    dead = PolisImport.objects.filter(project=project).filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=cutoff)
        | Q(status=ImportStatus.RUNNING, started_at__lt=cutoff)
    )
    for stale in dead.values_list("folder", flat=True):
        transaction.on_commit(lambda stale=stale: shutil.rmtree(stale, ignore_errors=True))
    dead.update(
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        folder="",
        message="It stopped before it finished. Try again.",
    )


def polis_import_run(*, import_id: int) -> None:
    """The background half of an upload: import it, say how it went, delete the files."""
    if not PolisImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    ):
        return  # already run, or given up
    upload = PolisImport.objects.select_related("project").get(pk=import_id)
    folder = Path(upload.folder)
    try:
        summary = polis_import(
            project=upload.project,
            directory=folder,
            language=upload.language,
            licence=upload.licence,
        )
    except PolisImportError as error:
        status = ImportStatus.FAILED
        # The folder is the server's business: name the files only.
        message = str(error).replace(f"{folder}: ", "").replace(f"{folder}/", "")
    except Exception:
        logger.exception("Pol.is import %s failed", import_id)
        status = ImportStatus.FAILED
        message = "Something went wrong on our side. Try again later."
    else:
        status = ImportStatus.DONE
        message = (
            f"{summary.statements:,} statements and {summary.votes:,} votes from "
            f"{summary.participants:,} participants."
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    PolisImport.objects.filter(pk=import_id).update(
        status=status, message=message, folder="", finished_at=timezone.now()
    )


def _language_problems(language: str) -> list[str]:
    """What is wrong with a language code for the statements, as the settings form says it."""
    try:
        DeliberationSettings._meta.get_field("statement_language").run_validators(language)
    except ValidationError as error:
        return error.messages
    return []


def _refuse_second_import(project: Project) -> None:
    if Statement.objects.filter(project=project, polis_id__isnull=False).exists():
        raise PolisImportError("This project already holds an imported Pol.is conversation.")


def _refuse_comments(comment_ids: list[int], problem: str) -> None:
    """Refuse the import over these comments, naming the first ten by id."""
    if comment_ids:
        shown = ", ".join(str(i) for i in sorted(comment_ids)[:10])
        raise PolisImportError(f"{problem}: {shown}.")


def _moment(ms: int) -> datetime | None:
    """A Pol.is timestamp (milliseconds since the epoch) as an exact datetime, or None."""
    try:
        return datetime.fromtimestamp(ms // 1000, tz=UTC) + timedelta(milliseconds=ms % 1000)
    except (OverflowError, OSError, ValueError):
        return None


def _vote_times(
    log: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[tuple[int, int], tuple[datetime, datetime]]:
    """(participant, comment) -> (first, latest) time of voting, where votes.csv has times."""
    if log is None:
        return {}
    spans: dict[tuple[int, int], list[int]] = {}
    for voter, comment, ms in zip(*(column.tolist() for column in log), strict=True):
        span = spans.setdefault((voter, comment), [ms, ms])
        span[0], span[1] = min(span[0], ms), max(span[1], ms)
    times = {}
    for key, (first, last) in spans.items():
        first_at, last_at = _moment(first), _moment(last)
        if first_at is not None and last_at is not None:
            times[key] = (first_at, last_at)
    return times


def _credit(folder: Path, *, licence: str = "") -> str:
    """Where the conversation came from, from the summary.csv a Pol.is export carries, and the
    licence it is shared under when the importer gives it.

    An export of ours has no summary.csv but carries the credit in ATTRIBUTION.txt: that
    credit comes back with it, so that the source is still named after a second import.
    """
    if not (folder / "summary.csv").is_file():
        try:
            first_line = (folder / ATTRIBUTION_FILE).read_text(encoding="utf-8").split("\n")[0]
        except (OSError, UnicodeDecodeError):
            first_line = ""
        first_line = " ".join(first_line.replace("\x00", "").split())
        if first_line.startswith(CREDIT_START) and len(first_line) <= 1000:
            return first_line
    summary: dict[str, str] = {}
    try:
        with (folder / "summary.csv").open(encoding="utf-8", newline="") as file:
            summary = {
                row[0].strip(): row[1].replace("\x00", "").strip()
                for row in csv.reader(file)
                if len(row) >= 2
            }
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # summary.csv is optional; the credit then names Pol.is alone
    topic = " ".join(summary.get("topic", "").split())[:300]
    url = summary.get("url", "")[:300] if summary.get("url", "").startswith("https://") else ""
    source = "the Pol.is conversation"
    if topic:
        source += f" “{topic}”"
    if url:
        source += f" ({url})"
    credit = (
        f"{CREDIT_START}{source}. Data gathered using the Polis software (compdemocracy.org/polis)."
    )
    licence = " ".join(licence.replace("\x00", "").split())[:LICENCE_MAX]
    return f"{credit} {licence}" if licence else credit


def polis_export(*, project: Project, progress: Progress = _silent) -> dict[str, bytes]:
    """The project's statements and votes as a Pol.is export folder (file name -> bytes).

    `progress` is told each step, for a command exporting a large conversation.

    Imported participants keep their Pol.is ids; members get fresh numbers above them, in
    order of their first vote, so nothing in the export points back at a member account.
    """
    # Statements open for votes are published. An imported comment that Pol.is moderated out
    # or left waiting was public in its source export already: it travels as moderated out (-1)
    # or unmoderated (0), as Pol.is publishes it. Members' statements a host rejected or has not
    # read yet were never shown to anyone, and those a moderator hid or removed are taken down:
    # none of them is published.
    statements = list(
        Statement.objects.filter(
            Q(status=StatementStatus.ACCEPTED)
            | Q(
                status__in=[StatementStatus.REJECTED, StatementStatus.PENDING],
                polis_id__isnull=False,
            ),
            project=project,
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
    progress(f"Read {len(statements):,} statements and {len(votes):,} votes; building the files…")
    imported = {int(v[1:]) for v, *_ in votes if v.startswith(IMPORTED_VOTER)}
    voter_id: dict[str, int] = {}
    fresh = max(imported, default=-1) + 1
    for voter, *_ in votes:
        if voter in voter_id:
            continue
        if voter.startswith(IMPORTED_VOTER):
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
        return round(moment.timestamp() * 1000)

    def written(s: Statement) -> datetime:
        # A protected statement keeps only its day; were its neighbours' exact times published,
        # its place among them (comment ids follow the order of writing) would narrow its own
        # time down to the minutes between them. So members' statements all travel with the
        # day alone; imported comments keep the times Pol.is published.
        if s.polis_id is not None:
            return s.created_at
        return timezone.localtime(s.created_at).replace(hour=0, minute=0, second=0, microsecond=0)

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
                ms(written(s)),
                written(s).isoformat(),
                comment_id[s.pk],
                "",
                tallies[s.pk][0],
                tallies[s.pk][1],
                _MODERATED[s.status],
                s.text,
            ]
            for s in statements
        ),
    )

    def cast(voter: str, at: datetime) -> datetime:
        # As for statements: a member is most often the first to vote on their own statement,
        # seconds after writing it, so a member's vote travels with its day alone, and the rows
        # are sorted so that their order does not give the times back.
        if voter.startswith(IMPORTED_VOTER):
            return at
        return timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)

    vote_rows = _csv(
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
        sorted(
            (
                [ms(when), when.isoformat(), comment_id[pk], voter_id[voter], value]
                for voter, pk, value, at in votes
                for when in [cast(voter, at)]
            ),
            key=lambda row: (row[0], row[2], row[3]),
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
    files = {"comments.csv": comments, "votes.csv": vote_rows, "participants-votes.csv": wide}
    credit = (
        DeliberationSettings.objects.filter(project=project)
        .values_list("imported_from", flat=True)
        .first()
    )
    if credit:
        # Whoever passes the data on keeps its credit with it (CC BY and the like require it).
        files[ATTRIBUTION_FILE] = (
            f"{credit}\nThe statements with comment ids from that conversation and their votes "
            "are shared under its licence: keep this attribution with them.\n"
        ).encode()
    else:
        # Gathered here, not with Pol.is: an import elsewhere credits this project, rather than
        # "the Pol.is conversation" and the Polis software, which had no part in it.
        question = " ".join(project.question.split())
        files[ATTRIBUTION_FILE] = (
            f"{CREDIT_START}the Groundswell project “{question}”, hosted by "
            f"{' '.join(project.host_name.split())} ({settings.SITE_URL}"
            f"{project.get_absolute_url()}).\nKeep this attribution with them.\n"
        ).encode()
    return files


ZIP_CACHE_SECONDS = 60 * 60


def polis_export_zip(*, project: Project) -> bytes:
    """The export as one zip file, for the web's download.

    Building it reads every vote (seconds on a conversation of vTaiwan's size), and anyone may
    ask for a public project's: so the zip is kept in the cache under a fingerprint of what it
    holds, read with two aggregate queries, and built again only when that changes.
    """
    key = f"gs:polis-zip:{project.pk}:{_export_fingerprint(project)}"
    found = cache.get(key)
    if found is not None:
        return found
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in polis_export(project=project).items():
            archive.writestr(name, content)
    built = buffer.getvalue()
    cache.set(key, built, timeout=ZIP_CACHE_SECONDS)
    return built


def _export_fingerprint(project: Project) -> str:
    # Statements: how many, and the ids in each state (a sum per state changes with any
    # decision). Votes: how many, and the latest change (a changed vote moves `updated_at`).
    statements = Statement.objects.filter(project=project).aggregate(
        n=Count("id"),
        **{f"ids_{state}": Sum("id", filter=Q(status=state)) for state in StatementStatus.values},
    )
    votes = Vote.objects.filter(project=project).aggregate(
        n=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
    )
    credit = (
        DeliberationSettings.objects.filter(project=project)
        .values_list("imported_from", flat=True)
        .first()
    )
    seen = repr((sorted(statements.items()), sorted(votes.items()), credit))
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


_MODERATED = {StatementStatus.ACCEPTED: 1, StatementStatus.REJECTED: -1, StatementStatus.PENDING: 0}


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
