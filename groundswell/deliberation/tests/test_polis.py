"""Pol.is import and export: every shared conversation round-trips; bad folders import nothing."""

import csv
import html
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from groundswell.analysis import read_polis_export
from groundswell.deliberation.models import Statement, Vote
from groundswell.deliberation.polis import PolisImportError, polis_export, polis_import
from groundswell.testing import factories

DATA = Path(__file__).resolve().parents[3] / "data" / "polis"
CONVERSATIONS = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def matrix_as_set(conversation):
    coo = conversation.votes.votes.tocoo()
    return {
        (
            int(conversation.votes.participant_ids[r]),
            int(conversation.votes.statement_ids[c]),
            int(v),
        )
        for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)
    }


def comment_times(folder: Path) -> dict[str, str]:
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as file:
        return {r["comment-id"]: r["timestamp"] for r in csv.DictReader(file)}


def moderation(folder: Path) -> dict[str, str]:
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as file:
        return {r["comment-id"]: r["moderated"] for r in csv.DictReader(file)}


def vote_times(folder: Path) -> dict[tuple[str, str], int]:
    latest: dict[tuple[str, str], int] = {}
    with (folder / "votes.csv").open(encoding="utf-8", newline="") as file:
        for r in csv.DictReader(file):
            key = (r["voter-id"], r["comment-id"])
            latest[key] = max(latest.get(key, 0), int(r["timestamp"]))
    return latest


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_every_conversation_round_trips(name, tmp_path, db):
    source = DATA / name
    original = read_polis_export(directory=source)
    first = factories.ProjectFactory()
    summary = polis_import(project=first, directory=source)
    assert summary.votes == original.votes.n_votes
    assert Vote.objects.filter(project=first).count() == original.votes.n_votes

    for file_name, content in polis_export(project=first).items():
        (tmp_path / file_name).write_bytes(content)
    exported = read_polis_export(directory=tmp_path)
    assert matrix_as_set(exported) == matrix_as_set(original)
    assert set(exported.moderated_out) == set(original.moderated_out)
    assert moderation(tmp_path) == moderation(source)  # unmoderated (0) ones included
    # Texts come back as they were published: none cut short (Seattle has a 311-character
    # comment), none with their line breaks or spacing changed; only blank space around goes.
    assert exported.statement_texts == {k: v.strip() for k, v in original.statement_texts.items()}
    # And so do the times: when each comment was written, when each vote was last cast.
    assert comment_times(tmp_path) == comment_times(source)
    assert vote_times(tmp_path) == vote_times(source)

    second = factories.ProjectFactory()
    polis_import(project=second, directory=tmp_path)
    pairs = lambda p: set(  # noqa: E731
        Vote.objects.filter(project=p).values_list("voter", "statement__polis_id", "value")
    )
    assert pairs(second) == pairs(first)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,0,1,0,1,First statement\n"
        "2,x,1,0,0,1,-1,Second statement\n"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,1\n4,x,1,6,-1\n"
    )
    return tmp_path


def test_a_good_folder_imports_with_moderation_kept(folder, db):
    project = factories.ProjectFactory()
    polis_import(project=project, directory=folder)
    assert dict(project.statements.values_list("polis_id", "status")) == {
        0: "accepted",
        1: "rejected",
    }
    assert set(Vote.objects.values_list("voter", "value")) == {("p5", 1), ("p6", -1)}


def test_a_comment_no_moderator_had_seen_waits_for_a_host_and_exports_as_unmoderated(
    folder, client, db
):
    # Under Pol.is's strict moderation a comment with moderated 0 was never shown to voters
    # (vTaiwan has 20, each with only its author's vote): it must not open for votes here.
    with (folder / "comments.csv").open("a") as file:
        file.write("5,x,2,7,1,0,0,Never shown to voters\n")
    with (folder / "votes.csv").open("a") as file:
        file.write("6,x,2,7,1\n")
    project = factories.ProjectFactory()
    polis_import(project=project, directory=folder)
    waiting = project.statements.get(polis_id=2)
    assert waiting.status == "pending"
    page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "Never shown to voters" not in page and "1 statement open for votes" in page

    exported = polis_export(project=project)["comments.csv"].decode()
    moderated = {r["comment-id"]: r["moderated"] for r in csv.DictReader(io.StringIO(exported))}
    assert moderated == {"0": "1", "1": "-1", "2": "0"}


def test_a_comment_longer_than_a_members_statement_is_imported_whole(folder, db):
    long = "A long comment, " + "with many words, " * 30 + "and an end."
    assert len(long) > 280
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        f'1,x,0,0,1,0,1,"{long}"\n'
        '2,x,1,0,0,1,-1,"Two lines,\nkept  as written\n"\n'
    )
    project = factories.ProjectFactory()
    polis_import(project=project, directory=folder)
    assert dict(project.statements.values_list("polis_id", "text")) == {
        0: long,
        1: "Two lines,\nkept  as written",
    }


def test_a_comment_too_long_to_store_is_refused_by_number(folder, db):
    (folder / "comments.csv").write_text(
        "comment-id,moderated,comment-body\n0,1,Short\n1,1," + "x" * 2001 + "\n"
    )
    project = factories.ProjectFactory()
    with pytest.raises(PolisImportError, match="longer than 2000 characters: 1"):
        polis_import(project=project, directory=folder)
    assert not Statement.objects.exists()


BREAKAGES = {
    "missing votes column": ("votes.csv", "timestamp,datetime,comment-id,voter-id\n3,x,0,5\n"),
    "unknown comment id": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,9,5,1\n"),
    "wrong vote value": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,7\n"),
    "words for votes": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,yes\n"),
    "missing comment ids": ("comments.csv", "timestamp,comment-body\n1,Hello\n"),
    "not UTF-8": ("comments.csv", b"comment-id,comment-body\n0,caf\xe9 \xff\n"),
    # A statement's polis_id is a positive 32-bit integer on every database.
    "negative comment id": (
        "comments.csv",
        "comment-id,moderated,comment-body\n0,1,a\n1,1,b\n-1,1,c\n",
    ),
    "comment id too big to store": (
        "comments.csv",
        "comment-id,moderated,comment-body\n0,1,a\n1,1,b\n2147483648,1,c\n",
    ),
    # PostgreSQL stores no NUL in text; SQLite would, and the export would carry it on.
    "NUL in a comment": ("comments.csv", "comment-id,moderated,comment-body\n0,1,a\x00b\n1,1,b\n"),
    # Left open, the quote would swallow comment 2 into comment 1 and lose it.
    "quote left open": (
        "comments.csv",
        'comment-id,moderated,comment-body\n0,1,a\n1,1,"b\n2,1,c\n',
    ),
    # Comment 2 has no text and no votes: it would be left out without a word.
    "a row cut short": ("comments.csv", "comment-id,moderated,comment-body\n0,1,a\n1,1,b\n2,1\n"),
    "bad vote in the wide file": ("participants-votes.csv", "participant,0,1\n5,2,\n"),
    "word for a group": ("participants-votes.csv", "participant,group-id,0,1\n5,one,1,\n"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_bad_folders_give_a_clear_error_and_import_nothing(folder, db, breakage):
    name, content = BREAKAGES[breakage]
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    project = factories.ProjectFactory()
    with pytest.raises(PolisImportError) as raised:
        polis_import(project=project, directory=folder)
    assert str(raised.value)
    assert not Statement.objects.exists() and not Vote.objects.exists()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_polis", str(folder), project=project.slug)


def test_missing_folder_and_second_import_are_refused(folder, db, tmp_path):
    project = factories.ProjectFactory()
    with pytest.raises(PolisImportError, match="no such folder"):
        polis_import(project=project, directory=tmp_path / "nowhere")
    polis_import(project=project, directory=folder)
    with pytest.raises(PolisImportError, match="already"):
        polis_import(project=project, directory=folder)
    assert Vote.objects.count() == 2


def test_a_second_import_of_an_export_keeps_the_original_credit(tmp_path, db):
    first = factories.ProjectFactory()
    licence = "Shared under CC BY 4.0 with attribution to The Computational Democracy Project."
    polis_import(project=first, directory=DATA / "london.youth.policing", licence=licence)
    for file_name, content in polis_export(project=first).items():
        (tmp_path / file_name).write_bytes(content)
    second = factories.ProjectFactory()
    polis_import(project=second, directory=tmp_path)
    credit = polis_export(project=second)["ATTRIBUTION.txt"].decode()
    assert credit == polis_export(project=first)["ATTRIBUTION.txt"].decode()
    assert "(https://pol.is/9xxwa9jpkm)" in credit
    assert f"(compdemocracy.org/polis). {licence}\n" in credit


def test_an_attribution_file_that_is_not_a_credit_is_not_taken_for_one(folder, db):
    (folder / "ATTRIBUTION.txt").write_text("Anything at all\n")
    project = factories.ProjectFactory()
    polis_import(project=project, directory=folder)
    credit = polis_export(project=project)["ATTRIBUTION.txt"].decode()
    assert credit.startswith("Statements and votes imported from the Pol.is conversation. ")
    assert "Anything" not in credit


def test_export_command_refuses_private_projects(private_project, tmp_path):
    with pytest.raises(CommandError, match="public"):
        call_command("export_polis", str(tmp_path), project=private_project.slug)


def test_export_gives_members_fresh_numbers(project, host_admin, practitioner, tmp_path, folder):
    from groundswell.deliberation.services import statement_create, vote_cast

    polis_import(project=project, directory=folder)
    mine = statement_create(project=project, author=host_admin, text="A member's statement")
    vote_cast(statement=mine, user=practitioner, value=1)
    shutil.rmtree(folder)
    folder.mkdir()
    for name, content in polis_export(project=project).items():
        (folder / name).write_bytes(content)
    exported = read_polis_export(directory=folder)
    ids = set(np.asarray(exported.votes.participant_ids).tolist())
    assert ids == {5, 6, 7}  # Pol.is ids kept; the member is numbered after them


def test_export_does_not_place_a_protected_statement_between_exact_times(
    project, host_admin, practitioner
):
    from groundswell.contributions.models import Attribution
    from groundswell.deliberation.services import statement_create

    statement_create(project=project, author=host_admin, text="Written just before")
    hidden = statement_create(
        project=project, author=practitioner, text="Mine", attribution=Attribution.PROTECTED
    )
    statement_create(project=project, author=host_admin, text="Written just after")
    rows = list(csv.DictReader(io.StringIO(polis_export(project=project)["comments.csv"].decode())))
    # Comment ids follow the order of writing: exact times on either side would tell within
    # minutes when the protected statement was written. Every member's statement has its day.
    day = hidden.created_at
    assert [(r["comment-body"], r["timestamp"]) for r in rows] == [
        (text, str(round(day.timestamp() * 1000)))
        for text in ["Written just before", "Mine", "Written just after"]
    ]
    assert {r["datetime"] for r in rows} == {day.isoformat()}


def test_export_does_not_time_members_votes_to_the_second(
    project, host_admin, practitioner, service_user
):
    """A member who writes a statement is usually the first to vote on it, seconds later (it is
    the next card on their vote page). Exact vote times, or rows in the order the votes came,
    would tell within seconds when a protected statement was written, and which voter wrote
    it. Members' votes travel with their day alone, in an order that says nothing of time."""
    from groundswell.contributions.models import Attribution
    from groundswell.deliberation.services import statement_create, vote_cast

    earlier = statement_create(project=project, author=host_admin, text="Written before")
    vote_cast(statement=earlier, user=service_user, value=1)
    mine = statement_create(
        project=project, author=practitioner, text="Mine", attribution=Attribution.PROTECTED
    )
    vote_cast(statement=mine, user=practitioner, value=1)
    vote_cast(statement=mine, user=service_user, value=-1)
    vote_cast(statement=earlier, user=practitioner, value=-1)

    rows = list(csv.DictReader(io.StringIO(polis_export(project=project)["votes.csv"].decode())))
    day = mine.created_at  # a protected statement keeps its day (midnight) alone
    assert {(r["timestamp"], r["datetime"]) for r in rows} == {
        (str(round(day.timestamp() * 1000)), day.isoformat())
    }
    order = [(int(r["comment-id"]), int(r["voter-id"])) for r in rows]
    assert order == sorted(order)
    assert len(order) == 4


def test_the_shared_conversations_are_all_here():
    assert CONVERSATIONS == [
        "15-per-hour-seattle",
        "brexit-consensus",
        "london.youth.policing",
        "vtaiwan.uberx",
    ]


def test_public_projects_offer_a_polis_download(
    client, project, private_project, host_admin, folder
):
    polis_import(project=project, directory=folder)
    response = client.get(f"/projects/{project.slug}/export/polis.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == [
        "ATTRIBUTION.txt",  # the data was imported: its credit travels with it
        "comments.csv",
        "participants-votes.csv",
        "votes.csv",
    ]

    client.force_login(host_admin)
    assert client.get(f"/projects/{private_project.slug}/export/polis.zip").status_code == 404


def test_the_import_summary_counts_the_participants(folder, db):
    """The folder has two voters (5 and 6); the summary, and the command's message, say so."""
    project = factories.ProjectFactory()
    assert polis_import(project=project, directory=folder).participants == 2

    other = factories.ProjectFactory()
    out = io.StringIO()
    call_command("import_polis", str(folder), project=other.slug, stdout=out)
    assert "Imported 2 statements and 2 votes from 2 participants" in out.getvalue()

    (folder / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,1\n")
    out = io.StringIO()
    call_command("import_polis", str(folder), project=factories.ProjectFactory().slug, stdout=out)
    assert "Imported 2 statements and 1 vote from 1 participant into" in out.getvalue()


def test_export_command_does_not_overwrite_the_folder_it_was_imported_from(tmp_path, db):
    source = tmp_path / "conversation"
    shutil.copytree(DATA / "london.youth.policing", source)
    original = {p.name: p.read_bytes() for p in source.iterdir()}
    project = factories.ProjectFactory()
    polis_import(project=project, directory=source)
    with pytest.raises(CommandError, match=r"already holds comments\.csv, participants-votes\.csv"):
        call_command("export_polis", str(source), project=project.slug)
    assert {p.name: p.read_bytes() for p in source.iterdir()} == original

    call_command("export_polis", str(source), project=project.slug, overwrite=True)
    assert (source / "ATTRIBUTION.txt").is_file()
    assert (source / "comments.csv").read_bytes() != original["comments.csv"]


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_export_command_to_a_place_it_cannot_write_says_so(project, tmp_path, where):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    target = blocker if where == "a file" else blocker / "export"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_polis", str(target), project=project.slug)
    assert blocker.read_text() == "not a folder"


def test_an_imported_conversation_is_credited_on_its_pages_and_in_its_export(client, db):
    project = factories.ProjectFactory()
    polis_import(project=project, directory=DATA / "london.youth.policing")
    credit = (
        "Statements and votes imported from the Pol.is conversation "
        "“What is the best way to engage more young people in local scrutiny of policing?” "
        "(https://pol.is/9xxwa9jpkm). "
        "Data gathered using the Polis software (compdemocracy.org/polis)."
    )
    for page in ["statements", "results"]:
        body = html.unescape(client.get(f"/projects/{project.slug}/{page}/").content.decode())
        assert "Statements and votes imported from the Pol.is conversation" in body
        assert "https://pol.is/9xxwa9jpkm" in body
    files = polis_export(project=project)
    assert files["ATTRIBUTION.txt"].decode().startswith(credit)

    response = client.get(f"/projects/{project.slug}/export/polis.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.read("ATTRIBUTION.txt").decode().startswith(credit)


def test_a_project_of_members_is_credited_as_itself_not_as_polis(
    project, host_admin, practitioner, tmp_path
):
    """Imported elsewhere, an export of a project gathered here was credited to "the Pol.is
    conversation" and "Data gathered using the Polis software", which had no part in it."""
    from groundswell.deliberation.models import DeliberationSettings
    from groundswell.deliberation.services import statement_create, vote_cast

    statement = statement_create(project=project, author=host_admin, text="Our own statement")
    vote_cast(statement=statement, user=practitioner, value=1)
    files = polis_export(project=project)
    credit = files["ATTRIBUTION.txt"].decode().split("\n")[0]
    assert project.question in credit and project.host_name in credit
    assert "Polis" not in credit

    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    elsewhere = factories.ProjectFactory()
    polis_import(project=elsewhere, directory=tmp_path)
    imported = DeliberationSettings.objects.get(project=elsewhere).imported_from
    assert imported == credit


@pytest.mark.django_db(transaction=True)
def test_two_imports_into_one_project_at_once_give_one_import_and_one_refusal():
    from django.db import connection

    from groundswell.deliberation.tests.import_concurrency import LONDON, two_imports

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency; see the next test")
    project = factories.ProjectFactory()
    expected = read_polis_export(directory=LONDON).votes.n_votes

    said, errors = two_imports(project_id=project.pk, directory=LONDON)

    assert errors == []
    assert said == [
        f"imported {expected} votes",
        "refused: This project already holds an imported Pol.is conversation.",
    ]
    assert Vote.objects.filter(project=project).count() == expected


def test_two_imports_into_one_project_at_once_on_sqlite(tmp_path):
    from groundswell.testing.sqlite_file import run_on_a_sqlite_file

    last = run_on_a_sqlite_file(
        "groundswell.deliberation.tests.import_concurrency", var_dir=tmp_path
    )
    expected = read_polis_export(directory=DATA / "london.youth.policing").votes.n_votes
    assert last == (
        f"said=['imported {expected} votes', 'refused: This project already holds an imported "
        f"Pol.is conversation.'] errors=[] votes={expected}"
    )


def test_the_import_and_export_commands_show_their_progress(tmp_path, monkeypatch, db):
    """A real conversation takes the import half a minute: it says how far it has got as it
    goes, batch by batch of votes, and so does the export, step by step."""
    import groundswell.deliberation.polis as polis

    monkeypatch.setattr(polis, "VOTE_BATCH", 2)
    source = tmp_path / "conversation"
    source.mkdir()
    (source / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,5,0,0,1,Fewer forms\n2,x,1,5,0,0,1,More visits\n"
    )
    (source / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "3,x,0,5,1\n4,x,1,5,-1\n5,x,0,6,1\n6,x,1,6,0\n7,x,0,7,-1\n"
    )
    project = factories.ProjectFactory()
    out = io.StringIO()
    call_command("import_polis", str(source), project=project.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [f"Reading {source}…", "2 statements written; writing 5 votes…"]
    assert lines[2:5] == [
        "Votes written: 2 of 5.",
        "Votes written: 4 of 5.",
        "Votes written: 5 of 5.",
    ]
    assert lines[5].startswith("Imported 2 statements and 5 votes")
    assert Vote.objects.filter(project=project).count() == 5

    out = io.StringIO()
    call_command("export_polis", str(tmp_path / "out"), project=project.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        f"Reading the statements and votes of {project.slug}…",
        "Read 2 statements and 5 votes; building the files…",
    ]
    assert [line.split(" (")[0] for line in lines[2:5]] == [
        "Wrote comments.csv",
        "Wrote votes.csv",
        "Wrote participants-votes.csv",
    ]
    assert lines[-1].startswith("Wrote a Pol.is export of")


def test_the_download_is_built_once_and_again_after_any_change(client, project, folder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    polis_import(project=project, directory=folder)
    url = f"/projects/{project.slug}/export/polis.zip"

    def votes_csv() -> str:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        built = any('"voter"' in q["sql"] for q in queries.captured_queries)
        return zipfile.ZipFile(io.BytesIO(response.content)).read("votes.csv").decode(), built

    first, built = votes_csv()
    assert built and ",0,5,1" in first
    again, built = votes_csv()
    assert again == first and not built  # served from the cache: no vote row read

    # A changed vote, a moderation decision and a new statement each give a fresh download.
    Vote.objects.filter(project=project, voter="p5").update(value=-1, updated_at=timezone.now())
    changed, built = votes_csv()
    assert built and ",0,5,-1" in changed
    Statement.objects.filter(project=project, polis_id=1).update(status="accepted")
    assert votes_csv()[1]
    Statement.objects.create(project=project, text="Late one")
    assert votes_csv()[1]
    assert not votes_csv()[1]


def test_the_import_can_say_what_language_the_statements_are_in(folder, client, db):
    project = factories.ProjectFactory()
    out = io.StringIO()

    call_command("import_polis", str(folder), project=project.slug, lang="zh-TW", stdout=out)

    page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert '<span lang="zh-TW">First statement</span>' in page
    assert "--lang" not in out.getvalue()


def test_an_import_without_a_language_says_how_to_give_one(folder, db):
    out = io.StringIO()

    call_command("import_polis", str(folder), project=factories.ProjectFactory().slug, stdout=out)

    assert "give their language with --lang" in out.getvalue()


def test_a_bad_language_code_imports_nothing(folder, db):
    project = factories.ProjectFactory()

    with pytest.raises(CommandError, match="Nothing was imported: Give a language code such as"):
        call_command("import_polis", str(folder), project=project.slug, lang="Chinese please")

    assert not Statement.objects.filter(project=project).exists()
    assert not Vote.objects.filter(project=project).exists()


def test_a_licence_too_long_to_keep_whole_imports_nothing(folder, db):
    """Cut to fit, it would lose its end, often the credit the publisher asks for."""
    project = factories.ProjectFactory()
    licence = "Licensed under CC BY 4.0 " + "with thanks " * 30 + "to The Publisher."

    with pytest.raises(CommandError, match="Nothing was imported: The licence is too long"):
        call_command("import_polis", str(folder), project=project.slug, licence=licence)

    assert not Statement.objects.filter(project=project).exists()


def test_the_command_line_import_keeps_the_licence_it_is_given(folder, client, db):
    project = factories.ProjectFactory()
    licence = "Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
    call_command(
        "import_polis", str(folder), project=project.slug, licence=licence, stdout=io.StringIO()
    )
    page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "Licensed under CC BY 4.0" in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/"' in page
