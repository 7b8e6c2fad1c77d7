"""Hosts import a Pol.is export through the web: the files or a zip of them are checked, kept
until the background task imports them, and the page says how it went."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groundswell.deliberation import polis
from groundswell.deliberation.models import ImportStatus, PolisImport, Statement, Vote
from groundswell.deliberation.polis import (
    PolisImportError,
    polis_export_zip,
    polis_import_start,
    polis_upload_files,
)
from groundswell.projects.models import Participant

LONDON = Path(__file__).resolve().parents[3] / "data" / "polis" / "london.youth.policing"
FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def _london() -> list[tuple[str, bytes]]:
    return [(name, (LONDON / name).read_bytes()) for name in FILES if (LONDON / name).is_file()]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _damaged() -> bytes:
    """A zip whose comments.csv fails its check when read: the listing is fine, the data not."""
    archive = bytearray(_zip({"comments.csv": b"id,comment-body\n1,A\n" * 50, "votes.csv": b""}))
    start = archive.index(b"comments.csv") + len("comments.csv")
    archive[start + 5] ^= 0xFF
    return bytes(archive)


def _crafted(how: str) -> bytes:
    """Zips that zipfile refuses in other ways than a bad checksum: a format version it does not
    know, a directory said to start past the end of the file, a member with no name."""
    if how == "nameless":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(zipfile.ZipInfo(""), b"x")
        return buffer.getvalue()
    archive = bytearray(_zip({"comments.csv": b"id,comment-body\n1,A\n", "votes.csv": b""}))
    end = archive.rindex(b"PK\x05\x06")
    if how == "version":  # "version needed to extract" of the first central directory entry
        central = archive.index(b"PK\x01\x02")
        archive[central + 6 : central + 8] = (200).to_bytes(2, "little")
    else:  # the central directory's offset, in the end record
        offset = int.from_bytes(archive[end + 16 : end + 20], "little") + 1000
        archive[end + 16 : end + 20] = offset.to_bytes(4, "little")
    return bytes(archive)


def _url(project) -> str:
    return f"/projects/{project.slug}/import/polis/"


def _upload(client, project, files: list[tuple[str, bytes]], language: str = ""):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(_url(project), {"files": uploads, "language": language})


# --- what an upload may hold --------------------------------------------------------------------


def test_the_csv_files_are_taken_as_they_are():
    files = polis_upload_files(_london())
    assert set(files) == {name for name, _ in _london()}
    assert files["comments.csv"] == (LONDON / "comments.csv").read_bytes()


def test_a_zip_may_hold_them_in_a_folder_and_other_files_are_left_out():
    london = dict(_london())
    archive = _zip(
        {f"london/{name}": content for name, content in london.items()}
        | {"london/README.md": b"notes", "../../etc/comments.txt": b"x"}
    )
    files = polis_upload_files([("export.zip", archive)])
    assert set(files) == set(london)
    assert files["votes.csv"] == london["votes.csv"]


def test_a_zip_cannot_write_outside_its_folder():
    # A member's path is never used: only its name, and only the export's own names.
    archive = _zip(
        {"../../comments.csv": b"x", "/tmp/votes.csv": b"y", "a/../../summary.csv": b"z"}
    )
    assert set(polis_upload_files([("evil.zip", archive)])) == {
        "comments.csv",
        "votes.csv",
        "summary.csv",
    }


def test_our_own_export_comes_back_in(project, host_admin):
    polis.polis_import(project=project, directory=LONDON)
    files = polis_upload_files([("polis.zip", polis_export_zip(project=project))])
    assert {"comments.csv", "votes.csv", "participants-votes.csv", "ATTRIBUTION.txt"} <= set(files)


@pytest.mark.parametrize(
    ("uploads", "problem"),
    [
        ([("export.zip", b"not a zip")], "not a zip file that can be opened"),
        ([("export.zip", _zip({"notes.txt": b"x"}))], "holds none of the files"),
        ([("export.zip", _damaged())], "not a zip file that can be opened"),
        ([("export.zip", _crafted("version"))], "not a zip file that can be opened"),
        ([("export.zip", _crafted("offset"))], "not a zip file that can be opened"),
        ([("export.zip", _crafted("nameless"))], "holds none of the files"),
        ([("export.zip", _zip({"a.csv": b"x"})), ("votes.csv", b"")], "one zip file on its own"),
        ([("comments.csv", b"x"), ("notes.docx", b"x")], "notes.docx: not a file of a Pol.is"),
        ([("comments.csv", b"x"), ("COMMENTS.csv", b"y")], "two files called comments.csv"),
        ([("votes.csv", b"x")], "comments.csv is missing"),
        ([("comments.csv", b"x"), ("summary.csv", b"y")], "participants-votes.csv is missing"),
    ],
)
def test_an_upload_that_is_not_an_export_is_refused_saying_why(uploads, problem):
    with pytest.raises(PolisImportError) as error:
        polis_upload_files(uploads)
    assert problem in str(error.value)


def test_a_zip_that_unpacks_too_large_is_refused(settings):
    settings.GROUNDSWELL_MAX_UPLOAD_BYTES = 1000  # the upload limit holds for what it unpacks to
    archive = _zip({"comments.csv": b"a" * 2000, "votes.csv": b""})
    assert len(archive) < 1000  # small packed: the limit is on what it unpacks to
    with pytest.raises(PolisImportError, match="unpacks to more than"):
        polis_upload_files([("bomb.zip", archive)])


# --- the service --------------------------------------------------------------------------------


def test_only_hosts_start_an_import(project, practitioner, settings):
    with pytest.raises(PermissionDenied):
        polis_import_start(project=project, by=practitioner, files=dict(_london()))
    assert not PolisImport.objects.exists()
    assert not Path(settings.POLIS_UPLOAD_DIR).exists() or not any(
        Path(settings.POLIS_UPLOAD_DIR).iterdir()
    )


def test_the_import_runs_after_commit_and_deletes_the_files(
    project, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload = polis_import_start(
            project=project,
            by=host_admin,
            files=dict(_london()),
            language="en-GB",
            licence="Shared under CC BY 4.0 with credit to The Computational Democracy Project.",
        )
        assert Path(upload.folder).is_dir()
        assert not Statement.objects.filter(project=project).exists()
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE
    statements = Statement.objects.filter(project=project).count()
    votes = Vote.objects.filter(project=project).count()
    assert upload.message == (f"{statements} statements and {votes} votes from 26 participants.")
    assert upload.folder == "" and upload.finished_at is not None
    assert not any(Path(polis.settings.POLIS_UPLOAD_DIR).iterdir())
    assert project.deliberation_settings.statement_language == "en-GB"
    assert project.deliberation_settings.imported_from.endswith(
        "Shared under CC BY 4.0 with credit to The Computational Democracy Project."
    )
    # Imported participants are anonymous voters, not members of the project.
    assert not Participant.objects.filter(project=project).exclude(user=host_admin).exists()


def test_a_failed_import_says_why_without_the_servers_folder_and_keeps_nothing(
    project, host_admin, django_capture_on_commit_callbacks
):
    files = dict(_london()) | {
        "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,7\n"
    }
    files.pop("participants-votes.csv", None)
    with django_capture_on_commit_callbacks(execute=True):
        upload = polis_import_start(project=project, by=host_admin, files=files)
    folder = upload.folder
    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED
    assert upload.message.startswith("votes.csv: ")
    assert folder not in upload.message and "polis-imports" not in upload.message
    assert not Path(folder).exists()
    assert not Statement.objects.filter(project=project).exists()


def test_one_import_at_a_time_and_one_conversation_a_project(
    project, host_admin, django_capture_on_commit_callbacks
):
    first = polis_import_start(project=project, by=host_admin, files=dict(_london()))
    folder = first.folder
    with pytest.raises(ValidationError, match="already under way"):
        polis_import_start(project=project, by=host_admin, files=dict(_london()))
    # One whose worker died an hour ago is given up, and the host may try again.
    PolisImport.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        polis_import_start(project=project, by=host_admin, files=dict(_london()))
    first.refresh_from_db()
    assert first.status == ImportStatus.FAILED and "stopped before it finished" in first.message
    assert not Path(folder).exists()  # its files go with it
    with pytest.raises(ValidationError, match=r"already holds an imported Pol\.is conversation"):
        polis_import_start(project=project, by=host_admin, files=dict(_london()))


def test_a_second_run_of_the_same_task_does_nothing(
    project, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload = polis_import_start(project=project, by=host_admin, files=dict(_london()))
    polis.polis_import_run(import_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE


# --- the page -----------------------------------------------------------------------------------


def test_a_host_imports_through_the_page(
    client, project, host_admin, django_capture_on_commit_callbacks
):
    client.force_login(host_admin)
    page = client.get(_url(project)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page and "multiple" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, project, _london())
    assert response.status_code == 302 and response.url == _url(project)
    page = client.get(_url(project)).content.decode()
    assert "Imported</strong>" in page and "from 26 participants" in page
    assert "hx-trigger" not in page
    assert 'name="files"' not in page  # one conversation a project
    statements = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "Import from Pol.is" not in statements
    assert Statement.objects.filter(project=project).count() > 0


def test_the_page_asks_again_while_the_import_is_under_way(client, project, host_admin):
    PolisImport.objects.create(project=project, started_by=host_admin)
    client.force_login(host_admin)
    page = client.get(_url(project)).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Waiting to start" in page
    assert "Refresh this page" in page  # without JavaScript
    assert 'name="files"' not in page


@pytest.mark.parametrize(
    ("files", "language", "field", "problem"),
    [
        ([], "", "files", "Choose the files of a Pol.is export"),
        ([("notes.docx", b"x")], "", "files", "not a file of a Pol.is export"),
        (_london(), "Klingon!", "language", "Give a language code"),
    ],
)
def test_bad_uploads_are_refused_next_to_the_field_and_in_the_summary(
    client, project, host_admin, files, language, field, problem
):
    client.force_login(host_admin)
    response = _upload(client, project, files, language)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and problem in page.split(f'id="id_{field}_error"')[1]
    assert problem in page.split('id="error-summary-title"')[1]
    assert not PolisImport.objects.exists()


def test_uploads_over_the_limit_are_refused(client, project, host_admin, settings):
    settings.GROUNDSWELL_MAX_UPLOAD_BYTES = 1000
    client.force_login(host_admin)
    response = _upload(client, project, _london())
    assert response.status_code == 400
    page = response.content.decode()
    assert "The files come to more than 1000" in page and "groundswell import-polis" in page
    assert not PolisImport.objects.exists()


def test_participants_cannot_import(client, project, practitioner):
    from groundswell.projects.services import participant_join

    participant_join(project=project, user=practitioner)
    client.force_login(practitioner)
    assert _upload(client, project, _london()).status_code == 403
    assert not PolisImport.objects.exists()


def test_the_service_checks_the_language_as_the_form_does(project, host_admin):
    with pytest.raises(ValidationError) as error:
        polis_import_start(project=project, by=host_admin, files=dict(_london()), language="x!")
    assert "Give a language code" in error.value.message_dict["language"][0]
    assert not PolisImport.objects.exists()


def test_the_page_answers_204_while_nothing_has_changed(client, project, host_admin):
    """htmx swaps nothing in on a 204: the status is not read out again every 2 seconds, and
    the focus stays where it is."""
    upload = PolisImport.objects.create(project=project, started_by=host_admin)
    client.force_login(host_admin)
    url = _url(project)
    assert client.get(url, {"seen": "queued"}, HTTP_HX_REQUEST="true").status_code == 204
    PolisImport.objects.filter(pk=upload.pk).update(status=ImportStatus.RUNNING)
    changed = client.get(url, {"seen": "queued"}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and "Importing</strong>" in changed.content.decode()
    assert 'hx-get="' + url + '?seen=running"' in changed.content.decode()


def test_an_upload_refused_while_another_is_under_way_says_so(client, project, host_admin):
    PolisImport.objects.create(project=project, started_by=host_admin)
    client.force_login(host_admin)
    response = _upload(client, project, _london())
    assert response.status_code == 400
    assert "An import into this project is already under way." in response.content.decode()
    assert PolisImport.objects.count() == 1


def test_a_running_import_is_given_up_an_hour_after_it_started_not_after_it_was_queued(
    project, host_admin
):
    queued_long_ago = timezone.now() - timedelta(hours=3)
    running = PolisImport.objects.create(
        project=project,
        started_by=host_admin,
        created_at=queued_long_ago,
        started_at=timezone.now() - timedelta(minutes=2),
        status=ImportStatus.RUNNING,
    )
    with pytest.raises(ValidationError, match="already under way"):
        polis_import_start(project=project, by=host_admin, files=dict(_london()))
    running.refresh_from_db()
    assert running.status == ImportStatus.RUNNING
