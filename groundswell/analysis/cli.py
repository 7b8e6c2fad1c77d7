"""``groundswell analyse --polis DIR --json``: analyse a Pol.is export with no database."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Any

from groundswell.analysis.pipeline import AnalysisResult, analyse
from groundswell.analysis.polis_io import PolisConversation, PolisFormatError, read_polis_export


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="groundswell analyse",
        description="Find opinion groups, representative statements, consensus and bridging "
        "statements in a Pol.is export folder.",
    )
    parser.add_argument(
        "--polis", required=True, metavar="DIR", help="folder with comments.csv and votes.csv"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    try:
        conversation = read_polis_export(directory=args.polis)
    except PolisFormatError as error:
        print(f"groundswell analyse: {error}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        print(f"groundswell analyse: cannot read {args.polis}: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = analyse(conversation.votes, moderated_out=conversation.moderated_out, seed=args.seed)
    seconds = time.perf_counter() - started
    document = result_to_json(result=result, conversation=conversation, seconds=seconds)
    try:
        if args.json:
            json.dump(document, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            _print_summary(document)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the seed is a whole number from 0, not {text!r}"
        ) from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"the seed is a whole number from 0, not {seed}")
    return seed


def result_to_json(
    *, result: AnalysisResult, conversation: PolisConversation | None = None, seconds: float
) -> dict[str, Any]:
    """The documented JSON shape of an analysis (ids are Pol.is ids when read from Pol.is)."""
    return {
        "participants": result.n_participants,
        "statements": result.n_statements,
        "votes": result.n_votes,
        "moderated_out": len(conversation.moderated_out) if conversation else 0,
        "groups": [
            {
                "id": group.id,
                "participants": [_plain(p) for p in group.participants.tolist()],
                "representative": [
                    {
                        "statement": rep.statement,
                        "direction": rep.direction,
                        "score": _finite(rep.score),
                        "agree_probability": _finite(rep.p_success)
                        if rep.direction == "agree"
                        else None,
                    }
                    for rep in group.representative
                ],
            }
            for group in result.groups
        ],
        "consensus": list(result.consensus.agree),
        "consensus_disagree": list(result.consensus.disagree),
        "bridging": [
            {"statement": score.statement, "score": _finite(score.score)}
            for score in result.bridging
        ],
        "seconds": round(seconds, 6),
    }


def _plain(value: Any) -> Any:
    return value


def _finite(value: float) -> float | None:
    return round(float(value), 6) if math.isfinite(value) else None


def _print_summary(document: dict[str, Any]) -> None:
    print(
        f"{document['participants']} participants, {document['statements']} statements, "
        f"{document['votes']} votes; analysed in {document['seconds']:.3f} s"
    )
    for group in document["groups"]:
        reps = ", ".join(f"{r['statement']} ({r['direction']})" for r in group["representative"])
        reps = reps or "none stands out"
        print(f"group {group['id']}: {len(group['participants'])} people; representative: {reps}")
    print("consensus:", ", ".join(str(s) for s in document["consensus"]) or "none")
    top = document["bridging"][:5]
    print(
        "most bridging:", ", ".join(f"{b['statement']} ({b['score']:.3f})" for b in top) or "none"
    )


if __name__ == "__main__":
    raise SystemExit(main())
