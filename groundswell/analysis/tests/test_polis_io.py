import csv
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from groundswell.analysis.polis_io import PolisFormatError, read_polis_export

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1,x,0,0,0,0,1,"Keep, the ""hub"" open"\n'
    "1,x,1,0,0,0,-1,Spam\n"
    "1,x,2,0,0,0,0,Unmoderated\n"
)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_latest_vote_wins_and_moderated_out_is_reported(tmp_path):
    votes = (
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "30,Mon Jul 17 02:17:32 WIB 2017,0,5,1\n"
        "10,Mon Jul 17 02:17:32 WIB 2017,0,5,-1\n"
        "20,Mon Jul 17 02:17:32 WIB 2017,2,7,0\n"
        "40,Mon Jul 17 02:17:32 WIB 2017,2,7,-1\n"
    )
    folder = _write(tmp_path / "conv", {"comments.csv": COMMENTS, "votes.csv": votes})
    conversation = read_polis_export(directory=folder)
    matrix = conversation.votes
    assert matrix.participant_ids.tolist() == [5, 7]
    assert matrix.statement_ids.tolist() == [0, 1, 2]
    assert matrix.votes.toarray().tolist() == [[1, 0, 0], [0, 0, -1]]
    assert matrix.n_votes == 2
    assert conversation.moderated_out == (1,)
    assert conversation.statement_texts[0] == 'Keep, the "hub" open'


def test_participants_votes_file_alone_is_enough(tmp_path):
    wide = (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
        "0,1,0,2,1,0,1,,0\n"
        "1,,0,1,0,1,-1,,\n"
    )
    folder = _write(tmp_path / "conv", {"comments.csv": COMMENTS, "participants-votes.csv": wide})
    conversation = read_polis_export(directory=folder)
    assert conversation.votes.votes.toarray().tolist() == [[1, 0, 0], [-1, 0, 0]]
    assert conversation.votes.n_votes == 3  # the pass counts
    assert conversation.polis_groups == {0: 1}


def test_real_export_reads_consistently(polis_dir):
    conversation = read_polis_export(directory=polis_dir)
    matrix = conversation.votes
    assert matrix.n_participants == 26
    with (polis_dir / "comments.csv").open() as handle:
        comments = list(csv.DictReader(handle))
    assert conversation.moderated_out == tuple(
        sorted(int(c["comment-id"]) for c in comments if c["moderated"] == "-1")
    )
    assert len(conversation.moderated_out) == 3
    # votes.csv (latest vote) agrees with Pol.is's own participants-votes.csv.
    with (polis_dir / "participants-votes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    lookup = {pid: i for i, pid in enumerate(matrix.participant_ids.tolist())}
    columns = {sid: j for j, sid in enumerate(matrix.statement_ids.tolist())}
    dense = matrix.votes.toarray()
    seen = np.zeros_like(dense, dtype=bool)
    seen[np.repeat(np.arange(matrix.n_participants), np.diff(matrix.votes.indptr)),
         matrix.votes.indices] = True  # fmt: skip
    for row in rows:
        i = lookup[int(row["participant"])]
        for sid, j in columns.items():
            cell = row.get(str(sid), "")
            assert seen[i, j] == (cell != "")
            if cell != "":
                assert dense[i, j] == int(cell)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "comments.csv is missing"),
        ({"comments.csv": COMMENTS}, "neither votes.csv nor participants-votes.csv"),
        (
            {"comments.csv": COMMENTS, "votes.csv": "timestamp,comment-id,vote\n1,0,1\n"},
            "missing column",
        ),
        ({"comments.csv": "id,text\n1,x\n", "votes.csv": ""}, "comment-id"),
        (
            {
                "comments.csv": COMMENTS + "1,x,2,0,0,0,0,Same id again\n",
                "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n",
            },
            "line 5: comment-id 2 is already used on line 4",
        ),
        (
            {
                # The quote left open would swallow comment 2 into comment 1's body.
                "comments.csv": 'comment-id,moderated,comment-body\n0,1,a\n1,1,"b\n2,1,c\n',
                "votes.csv": "comment-id,voter-id,vote\n0,0,1\n",
            },
            "line 3: unexpected end of data",
        ),
        (
            {
                "comments.csv": "comment-id,moderated,comment-body\n0,1,a\n1\n",
                "votes.csv": "comment-id,voter-id,vote\n0,0,1\n",
            },
            "line 3: 1 field",
        ),
        (
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,0\n5,2\n"},
            "votes must be 1, -1 or 0",
        ),
        (
            # Not rounded down to a pass.
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,0\n5,0.5\n"},
            "votes must be 1, -1 or 0",
        ),
        (
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,group-id,0\n5,a,1\n"},
            "group-id must be a whole number, not 'a'",
        ),
        (
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,0\n5,1,1\n"},
            "line 2: 3 fields where the header names 2",
        ),
        (
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,0,notes\n5,1,x\n"},
            "unexpected column 'notes' in the header",
        ),
        (
            {
                "comments.csv": COMMENTS,
                "participants-votes.csv": "participant,99999999999999999999\n5,1\n",
            },
            "unexpected column '99999999999999999999' in the header",
        ),
        (
            {
                "comments.csv": COMMENTS + "1,x,99999999999999999999,0,0,0,1,Far too big\n",
                "votes.csv": "comment-id,voter-id,vote\n0,5,1\n",
            },
            "line 5: comment-id 99999999999999999999 is too large",
        ),
        (
            {"comments.csv": COMMENTS, "participants-votes.csv": "participant,0\n5,1\n5,-1\n"},
            "participant 5 has more than one row",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": "comment-id,voter-id,vote\n0,5,1\n0,6,\n"},
            "in row 2 after the header, column 3",
        ),
    ],
)
def test_bad_folders_explain_themselves(tmp_path, files, message):
    folder = _write(tmp_path / "conv", files)
    with pytest.raises(PolisFormatError, match=message):
        read_polis_export(directory=folder)


def test_missing_folder(tmp_path):
    with pytest.raises(PolisFormatError, match="no such folder"):
        read_polis_export(directory=tmp_path / "nope")


def test_a_file_given_for_the_folder_is_named_as_such(tmp_path):
    (tmp_path / "comments.csv").write_text(COMMENTS)
    with pytest.raises(PolisFormatError, match=r"comments\.csv: not a folder"):
        read_polis_export(directory=tmp_path / "comments.csv")


def test_copy_of_real_folder_without_votes_csv_uses_the_wide_file(tmp_path, polis_dir):
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("comments.csv", "participants-votes.csv"):
        shutil.copy(polis_dir / name, folder / name)
    wide = read_polis_export(directory=folder)
    full = read_polis_export(directory=polis_dir)
    assert wide.votes.n_votes == full.votes.n_votes


def test_a_comment_spanning_lines_is_numbered_by_the_line_it_starts_on(tmp_path):
    comments = 'comment-id,moderated,comment-body\n0,1,"two\nlines"\n0,1,again\n'
    votes = "comment-id,voter-id,vote\n0,0,1\n"
    folder = _write(tmp_path / "conv", {"comments.csv": comments, "votes.csv": votes})
    with pytest.raises(PolisFormatError, match="line 4: comment-id 0 is already used on line 2"):
        read_polis_export(directory=folder)


def test_a_vote_file_with_only_its_header_reads_quietly(tmp_path):
    votes = "timestamp,datetime,comment-id,voter-id,vote\n"
    folder = _write(tmp_path / "conv", {"comments.csv": COMMENTS, "votes.csv": votes})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        conversation = read_polis_export(directory=folder)
    assert conversation.votes.n_votes == 0
    assert conversation.votes.statement_ids.tolist() == [0, 1, 2]
