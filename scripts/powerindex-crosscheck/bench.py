#!/usr/bin/env python3
"""Side-by-side timing of exact power indices: govkit against PyPI powerindex.

Run through run.sh's virtualenv:

    POWERINDEX_BENCH=1 bash scripts/powerindex-crosscheck/run.sh

or directly with a Python that has powerindex 0.3.5 installed:

    python3 scripts/powerindex-crosscheck/bench.py [GOVKIT_EXAMPLE_BINARY]

Seeded games (Pareto(1.2) weights scaled to an integer total, quota > 1/2
of the total), written to a temporary JSON file; govkit's
`examples/power_index.rs` and powerindex compute the same game, both timed
in-process (median of 3 govkit runs; powerindex once, it takes seconds),
and the normalized Banzhaf indices are checked equal within 1e-9 (the
Shapley-Shubik indices too where powerindex computes them: it overflows a
float above 170 players and does not finish the 200-player game in
minutes, so those are govkit alone). powerindex needs about 8 minutes for
the 1,000-player game.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from powerindex import Game

ROOT = Path(__file__).resolve().parents[2]

# (name, seed, players, total, shapley-shubik with powerindex?)
GAMES = [
    ("200 players, total 100,000", 2, 200, 100_000, False),
    ("1,000 players, total 1,000,000", 3, 1000, 1_000_000, False),
]


def make_game(seed, players, total):
    rng = random.Random(seed)
    raw = [min(1e9, (1 - rng.random()) ** (-1 / 1.2)) for _ in range(players)]
    s = sum(raw)
    weights = [max(1, round(x * total / s)) for x in raw]
    return weights, sum(weights) // 2 + 1


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/examples/power_index"
    )
    print("| game | powerindex Banzhaf | govkit Banzhaf | ratio | govkit Shapley-Shubik |")
    print("|---|---|---|---|---|")
    for name, seed, players, total, _ in GAMES:
        weights, quota = make_game(seed, players, total)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"quota": quota, "weights": weights}, f)
        which = "both" if players <= 200 else "banzhaf"
        ours = json.loads(subprocess.run([binary, f.name, which, "3"], check=True,
                                         capture_output=True, text=True).stdout)
        os.unlink(f.name)
        game = Game(quota, weights=weights)
        t = time.perf_counter()
        game.calc_banzhaf()
        theirs = time.perf_counter() - t
        worst = max(abs(a - b) for a, b in zip(ours["banzhaf"], game.banzhaf))
        assert worst <= 1e-9, f"{name}: Banzhaf differs by {worst}"
        ss = ours.get("shapley_shubik_seconds")
        ss_text = f"{ss * 1000:.0f} ms" if ss is not None else "–"
        print(f"| {name} (quota {quota}) | {theirs:.2f} s | {ours['banzhaf_seconds'] * 1000:.1f} ms "
              f"| {theirs / ours['banzhaf_seconds']:.0f}x | {ss_text} |", flush=True)


if __name__ == "__main__":
    main()
