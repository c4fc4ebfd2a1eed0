"""Overhead of the Python package over the CLI on 1,000,000 votes.

    python python/bench_overhead.py PATH/TO/release/govkit [RUNS]

Writes a 1M-vote CSV (heavy-tailed weights with 18 decimals) to a temporary
folder, then times `govkit evaluate p.toml --format json` (a subprocess)
against `govkit.evaluate("p.toml")` and `govkit.evaluate(votes=df)` (the
same votes as a pandas DataFrame of text columns), alternating, and prints
the minimum and median of each. Not run in CI (it needs a release CLI).
"""

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import govkit


def main() -> None:
    cli_bin = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        rng = random.Random(1)
        choices = ["For", "Against", "Abstain"]
        with open(d / "votes.csv", "w") as f:
            f.write("voter,choice,weight\n")
            for i in range(1_000_000):
                w = int(rng.paretovariate(1.16) * 10**18)
                f.write(f"0x{i:040x},{choices[rng.randrange(3)]},{w // 10**18}.{w % 10**18:018d}\n")
        rules = {"quorum": "400000", "pass": "majority"}
        (d / "p.toml").write_text(
            'id = "m1"\n[votes]\npath = "votes.csv"\nformat = "csv"\n'
            '[rules]\nquorum = "400000"\npass = "majority"\n'
        )
        import pandas as pd

        df = pd.read_csv(d / "votes.csv", dtype=str)
        times = {"cli": [], "python (file)": [], "python (DataFrame)": []}
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([cli_bin, "evaluate", str(d / "p.toml"), "--format", "json"],
                           stdout=subprocess.DEVNULL, check=True)
            times["cli"].append(time.perf_counter() - t)
            t = time.perf_counter()
            govkit.evaluate(d / "p.toml")
            times["python (file)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            govkit.evaluate(votes=df, rules=rules)
            times["python (DataFrame)"].append(time.perf_counter() - t)
        for name, ts in times.items():
            print(f"{name:20} min {min(ts):.3f} s  median {statistics.median(ts):.3f} s")


if __name__ == "__main__":
    main()
