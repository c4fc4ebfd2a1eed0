#!/usr/bin/env python3
"""Cross-check data for govkit's exact power indices, from PyPI `powerindex`.

Builds a few seeded weighted voting games with integer weights (up to a few
hundred players), computes normalized Banzhaf and Shapley-Shubik indices
with powerindex (an independent implementation: generating functions in
Python big integers), and writes them to expected.json beside this script.
tests/control_powerindex.rs compares govkit's exact indices with that file.

    python3 crosscheck.py            # rewrite expected.json
    python3 crosscheck.py --check    # recompute and fail if expected.json differs

powerindex computes Shapley-Shubik weights as factorial(z)*factorial(N-z-1)/
float(factorial(N)), which overflows a float above 170 players, so games
with more players carry Banzhaf only. Its results are floats (relative
error ~1e-15); the Rust test compares with a tolerance of 1e-9.
"""
import json
import random
import sys
from pathlib import Path

from powerindex import Game

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected.json"

# (name, seed, players, max weight, quota as a fraction of the total, shapley-shubik?)
GAMES = [
    ("small-12", 1, 12, 20, (1, 2), True),
    ("uniform-60", 2, 60, 50, (1, 2), True),
    ("heavy-tail-120", 3, 120, 400, (2, 3), True),
    ("ties-160", 4, 160, 8, (1, 2), True),
    ("banzhaf-300", 5, 300, 30, (1, 2), False),
]


def make_game(seed, players, max_weight, quota_fraction, heavy):
    rng = random.Random(seed)
    if heavy:
        # Pareto-like integer weights, capped.
        weights = [min(max_weight, int(1 / (1 - rng.random()) ** 1.2)) for _ in range(players)]
    else:
        weights = [rng.randint(1, max_weight) for _ in range(players)]
    num, den = quota_fraction
    total = sum(weights)
    quota = total * num // den + 1  # strictly more than the fraction
    return weights, quota


def compute():
    games = []
    for name, seed, players, max_weight, frac, with_ss in GAMES:
        weights, quota = make_game(seed, players, max_weight, frac, "heavy" in name)
        game = Game(quota, weights=weights)
        game.calc_banzhaf()
        entry = {
            "name": name,
            "quota": quota,
            "weights": weights,
            "banzhaf": game.banzhaf,
        }
        if with_ss:
            game.calc_shapley_shubik()
            entry["shapley_shubik"] = game.shapley_shubik
        games.append(entry)
        print(f"{name}: {players} players, quota {quota} of {sum(weights)}", file=sys.stderr)
    return {
        "generator": "scripts/powerindex-crosscheck/crosscheck.py with PyPI powerindex 0.3.5",
        "games": games,
    }


def main():
    data = compute()
    if "--check" in sys.argv:
        old = json.loads(EXPECTED.read_text())
        worst = 0.0
        for a, b in zip(old["games"], data["games"]):
            assert a["name"] == b["name"] and a["weights"] == b["weights"] and a["quota"] == b["quota"], a["name"]
            for key in ("banzhaf", "shapley_shubik"):
                for x, y in zip(a.get(key, []), b.get(key, [])):
                    worst = max(worst, abs(x - y))
        if len(old["games"]) != len(data["games"]) or worst > 1e-12:
            sys.exit(f"expected.json is stale (largest difference {worst}); rerun without --check")
        print(f"expected.json matches powerindex (largest difference {worst})")
    else:
        EXPECTED.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {EXPECTED}")


if __name__ == "__main__":
    main()
