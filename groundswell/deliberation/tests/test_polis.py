"""Pol.is import and export: every shared conversation round-trips; bad folders import nothing."""

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

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
    texts = {k: " ".join(v.split())[:280] for k, v in original.statement_texts.items()}
    assert exported.statement_texts == texts

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


BREAKAGES = {
    "missing votes column": ("votes.csv", "timestamp,datetime,comment-id,voter-id\n3,x,0,5\n"),
    "unknown comment id": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,9,5,1\n"),
    "wrong vote value": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,7\n"),
    "words for votes": ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n3,x,0,5,yes\n"),
    "missing comment ids": ("comments.csv", "timestamp,comment-body\n1,Hello\n"),
    "not UTF-8": ("comments.csv", b"comment-id,comment-body\n0,caf\xe9 \xff\n"),
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
    import io
    import zipfile

    polis_import(project=project, directory=folder)
    response = client.get(f"/projects/{project.slug}/export/polis.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["comments.csv", "participants-votes.csv", "votes.csv"]

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


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_export_command_to_a_place_it_cannot_write_says_so(project, tmp_path, where):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    target = blocker if where == "a file" else blocker / "export"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_polis", str(target), project=project.slug)
    assert blocker.read_text() == "not a folder"
