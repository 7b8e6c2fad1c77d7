import json
import subprocess
import sys

import pytest

from groundswell.analysis.cli import main


def test_json_contract_on_a_real_conversation(polis_dir, capsys):
    assert main(["--polis", str(polis_dir), "--json", "--seed", "1"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["participants"] == 26
    assert isinstance(document["statements"], int) and document["statements"] > 0
    assert isinstance(document["votes"], int) and document["votes"] > 0
    assert isinstance(document["seconds"], float) and document["seconds"] >= 0
    assert document["groups"]
    clustered = set()
    for group in document["groups"]:
        assert isinstance(group["id"], int)
        assert all(isinstance(p, int) for p in group["participants"])
        clustered.update(group["participants"])
        for rep in group["representative"]:
            assert isinstance(rep["statement"], int)
            assert rep["direction"] in ("agree", "disagree")
            assert isinstance(rep["score"], float)
    assert len(clustered) == sum(len(g["participants"]) for g in document["groups"])
    assert all(isinstance(s, int) for s in document["consensus"])
    assert len(document["bridging"]) == document["statements"]
    for item in document["bridging"]:
        assert isinstance(item["statement"], int) and isinstance(item["score"], float)
    scores = [item["score"] for item in document["bridging"]]
    assert scores == sorted(scores, reverse=True)


def test_plain_summary_without_json(polis_dir, capsys):
    assert main(["--polis", str(polis_dir)]) == 0
    assert "participants" in capsys.readouterr().out


WIDE = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1\n"


@pytest.mark.parametrize(
    "setup",
    [
        "missing",
        "no_votes",
        "bad_columns",
        "wide_vote_2",
        "wide_group_word",
        "wide_long_row",
        "votes_not_utf8",
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, setup):
    folder = tmp_path / "export"
    if setup != "missing":
        folder.mkdir()
        (folder / "comments.csv").write_text("comment-id,moderated\n1,1\n")
    if setup == "bad_columns":
        (folder / "votes.csv").write_text("voter,comment,vote\n1,1,1\n")
    wide = {
        "wide_vote_2": WIDE + "0,,0,1,1,0,2\n",
        "wide_group_word": WIDE + "0,one,0,1,1,0,1\n",
        "wide_long_row": WIDE + "0,,0,1,1,0,1,1,1\n",
    }
    if setup in wide:
        (folder / "participants-votes.csv").write_text(wide[setup])
    if setup == "votes_not_utf8":
        (folder / "votes.csv").write_bytes(b"comment-id,voter-id,vote\n1,1,1 \xe9\n")
    assert main(["--polis", str(folder), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("groundswell analyse: ")
    assert "Traceback" not in captured.err
    if setup == "votes_not_utf8":
        assert "votes.csv: not UTF-8 text" in captured.err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "--polis" in capsys.readouterr().err


def test_a_negative_seed_is_a_usage_error_not_a_traceback(polis_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--polis", str(polis_dir), "--seed", "-1"])
    assert exit_info.value.code == 2
    assert "the seed is a whole number from 0, not -1" in capsys.readouterr().err


@pytest.mark.parametrize("flags", [["--json"], []])
def test_a_reader_that_stops_early_is_not_an_error(polis_dir, flags):
    # As `groundswell analyse ... | head -c 0`: the reader has gone before anything is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "groundswell.analysis.cli", "--polis", str(polis_dir), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_participants_count_only_votes_on_statements_still_in(tmp_path, capsys):
    # As on the results page: people whose only votes are on moderated-out statements do not
    # count, so a conversation with everything moderated out has no participants and no votes.
    (tmp_path / "comments.csv").write_text("comment-id,moderated\n1,-1\n2,-1\n")
    (tmp_path / "votes.csv").write_text("comment-id,voter-id,vote\n1,10,1\n2,11,-1\n")
    assert main(["--polis", str(tmp_path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["participants"], document["votes"], document["statements"]) == (0, 0, 0)
    assert document["moderated_out"] == 2
    assert document["consensus"] == [] and document["consensus_disagree"] == []
    assert document["groups"] == []  # as on the results page: no group of people voting on nothing
    assert main(["--polis", str(tmp_path)]) == 0
    summary = capsys.readouterr().out
    assert summary.startswith("0 participants, 0 statements, 0 votes")
    assert "group" not in summary
    assert "consensus: none\nmost bridging: none\n" in summary
