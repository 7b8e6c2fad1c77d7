"""Groundswell's analysis against red-dwarf (PyPI ``red-dwarf``), speed and agreement with Pol.is.

For each real Pol.is conversation in data/polis and a synthetic 10k x 1k planted
conversation, both implementations start from the same deduplicated vote list (latest vote per
participant and statement) and the same moderated-out statements. Each (method, dataset) runs in
its own subprocess so peak memory (ru_maxrss) belongs to that method alone.

Reported: median wall time of the analysis over --repeats runs (data loading excluded), peak
RSS of the worker process and its RSS before the analysis, and the adjusted Rand index of the
groups against Pol.is's own ``group-id`` (real data, over participants clustered by both) or
against the planted groups (synthetic).

    nice -n 5 .venv/bin/python bench/analysis_vs_reddwarf.py --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

POLIS = Path(__file__).resolve().parents[1] / "data" / "polis"
REAL = ["15-per-hour-seattle", "brexit-consensus", "london.youth.policing", "vtaiwan.uberx"]
SYNTHETIC = "synthetic-10k-1k"


def _load(dataset: str):
    """(VoteMatrix, moderated ids, reference labels {participant id: group})."""
    if dataset == SYNTHETIC:
        from groundswell.analysis.synthetic import planted_conversation

        world = planted_conversation(
            n_participants=10_000, n_statements=1_000, votes_per_participant=50, n_groups=3,
            seed=2024,
        )  # fmt: skip
        reference = dict(
            zip(world.votes.participant_ids.tolist(), world.groups.tolist(), strict=True)
        )
        return world.votes, (), reference
    from groundswell.analysis import read_polis_export

    conversation = read_polis_export(directory=POLIS / dataset)
    return conversation.votes, conversation.moderated_out, conversation.polis_groups


def _ari(labels: dict[int, int], reference: dict[int, int]) -> tuple[float, int]:
    from sklearn.metrics import adjusted_rand_score

    common = sorted(set(labels) & set(reference))
    return (
        float(adjusted_rand_score([reference[p] for p in common], [labels[p] for p in common])),
        len(common),
    )


def worker(method: str, dataset: str, repeats: int, seed: int) -> dict:
    warnings.filterwarnings("ignore")
    votes, moderated, reference = _load(dataset)
    coo = votes.votes.tocoo()
    pids = votes.participant_ids[coo.row]
    sids = votes.statement_ids[coo.col]
    values = coo.data.astype(int)
    times = []
    if method == "groundswell":
        from groundswell.analysis import VoteMatrix, analyse

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(repeats):
            started = time.perf_counter()
            # Start from the same vote list red-dwarf gets, so building the matrix counts.
            matrix = VoteMatrix.from_triples(participants=pids, statements=sids, values=values)
            result = analyse(matrix, moderated_out=moderated, seed=seed)
            times.append(time.perf_counter() - started)
        labels = {
            int(p): int(g)
            for p, g in zip(result.participant_ids.tolist(), result.labels.tolist(), strict=True)
            if g >= 0
        }
        k = result.clustering.k
    else:
        from reddwarf.implementations.polis import run_pipeline

        vote_list = [
            {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
            for p, s, v in zip(pids.tolist(), sids.tolist(), values.tolist(), strict=True)
        ]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(repeats):
            started = time.perf_counter()
            result = run_pipeline(
                votes=vote_list, mod_out_statement_ids=list(moderated), random_state=seed
            )
            times.append(time.perf_counter() - started)
        clusters = result.participants_df["cluster_id"].dropna()
        labels = {int(p): int(g) for p, g in clusters.items()}
        k = len(set(labels.values()))
    ari, compared = _ari(labels, reference)
    return {
        "method": method,
        "dataset": dataset,
        "participants": votes.n_participants,
        "statements": votes.n_statements,
        "votes": votes.n_votes,
        "times": times,
        "median_s": statistics.median(times),
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ari": ari,
        "compared": compared,
        "k": k,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per red-dwarf run")
    parser.add_argument("--datasets", nargs="*", default=[*REAL, SYNTHETIC])
    parser.add_argument("--worker", choices=["groundswell", "reddwarf"])
    parser.add_argument("--dataset")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.dataset, args.repeats, args.seed)))
        return 0

    from importlib.metadata import version

    import reddwarf  # noqa: F401 - fail early if missing

    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"# {platform.uname()}; nproc {os.cpu_count()}; Python {platform.python_version()}")
    print(f"# red-dwarf {version('red-dwarf')}; load average {os.getloadavg()}")
    rows = []
    for dataset in args.datasets:
        for method in ("groundswell", "reddwarf"):
            command = [
                sys.executable, __file__, "--worker", method, "--dataset", dataset,
                "--repeats", str(args.repeats), "--seed", str(args.seed),
            ]  # fmt: skip
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, check=True,
                    timeout=args.timeout * args.repeats + 120,
                )  # fmt: skip
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            except subprocess.TimeoutExpired:
                rows.append({"method": method, "dataset": dataset, "timeout": True})
            except subprocess.CalledProcessError as error:
                rows.append({"method": method, "dataset": dataset, "error": error.stderr[-500:]})
            print(json.dumps(rows[-1]), file=sys.stderr)
    print()
    print(
        "| dataset | participants x statements (votes) | groundswell median s | red-dwarf "
        "median s | speed-up | groundswell peak MiB | red-dwarf peak MiB | ARI groundswell "
        "| ARI red-dwarf | k (gs / rd) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for dataset in args.datasets:
        ours = next(r for r in rows if r["dataset"] == dataset and r["method"] == "groundswell")
        theirs = next(r for r in rows if r["dataset"] == dataset and r["method"] == "reddwarf")
        if "median_s" not in theirs:
            print(f"| {dataset} | | {ours['median_s']:.3f} | {theirs} | | | | | | |")
            continue
        print(
            f"| {dataset} | {ours['participants']} x {ours['statements']} ({ours['votes']}) "
            f"| {ours['median_s']:.3f} | {theirs['median_s']:.3f} "
            f"| {theirs['median_s'] / ours['median_s']:.1f}x "
            f"| {ours['peak_rss_mib']:.0f} (before {ours['rss_before_mib']:.0f}) "
            f"| {theirs['peak_rss_mib']:.0f} (before {theirs['rss_before_mib']:.0f}) "
            f"| {ours['ari']:.3f} | {theirs['ari']:.3f} | {ours['k']} / {theirs['k']} |"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=1))
    _ = np  # numpy is imported for the workers' sake
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
