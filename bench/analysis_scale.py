"""Groundswell's analysis alone on large synthetic conversations.

Planted conversations (three opinion groups, votes per person uniform between half and
one-and-a-half times the mean) are generated directly as CSR arrays; then the full analysis
runs: groups, representative statements, consensus, and both bridging scores (latent, and
perspective bridging over a made-up two-role perspective label). Each size runs in its own
subprocess so the peak RSS (ru_maxrss) is that analysis's own; generation is not timed.

    nice -n 5 .venv/bin/python bench/analysis_scale.py --repeats 3
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

SIZES = {
    "10k x 1k": (10_000, 1_000, 50),
    "100k x 2k": (100_000, 2_000, 50),
    "1M x 5k": (1_000_000, 5_000, 50),
}


def worker(size: str, repeats: int, seed: int) -> dict:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from groundswell.analysis import analyse
    from groundswell.analysis.synthetic import planted_conversation

    n, m, per = SIZES[size]
    started = time.perf_counter()
    world = planted_conversation(
        n_participants=n, n_statements=m, votes_per_participant=per, n_groups=3, seed=seed
    )
    generated = time.perf_counter() - started
    roles = np.where(np.arange(n) % 3 == 0, "practitioner", "service user")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    previous = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = analyse(world.votes, perspectives=roles, seed=seed)
        times.append(time.perf_counter() - started)
        previous = result
    # One warm-started update from the previous result on the same data.
    started = time.perf_counter()
    analyse(world.votes, perspectives=roles, seed=seed, previous=previous)
    warm = time.perf_counter() - started
    clustered = result.labels >= 0
    return {
        "size": size,
        "participants": n,
        "statements": m,
        "votes": world.votes.n_votes,
        "generate_s": generated,
        "times": times,
        "median_s": statistics.median(times),
        "warm_update_s": warm,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ari_planted": float(
            adjusted_rand_score(world.groups[clustered], result.labels[clustered])
        ),
        "k": result.clustering.k,
        "pca_iterations": result.projection.iterations,
        "als_iterations": result.latent_bridging.iterations,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeats, args.seed)))
        return 0
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"# {platform.uname()}; nproc {os.cpu_count()}; Python {platform.python_version()}")
    print(f"# load average at start {os.getloadavg()}")
    print(
        "| size | votes | median s (runs) | warm update s | peak RSS MiB (before analysis) "
        "| ARI vs planted | k | PCA / ALS iterations |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        command = [sys.executable, __file__, "--worker", size, "--repeats", str(args.repeats),
                   "--seed", str(args.seed)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(row), file=sys.stderr)
        runs = ", ".join(f"{t:.2f}" for t in row["times"])
        print(
            f"| {size} | {row['votes']:,} | {row['median_s']:.2f} ({runs}) "
            f"| {row['warm_update_s']:.2f} | {row['peak_rss_mib']:.0f} "
            f"({row['rss_before_mib']:.0f}) | {row['ari_planted']:.3f} | {row['k']} "
            f"| {row['pca_iterations']} / {row['als_iterations']} |"
        )
    print(f"# load average at end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
