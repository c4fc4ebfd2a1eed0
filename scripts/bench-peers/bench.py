#!/usr/bin/env python3
"""Side by side: govkit against snapshot.js (every Snapshot ballot type) and
polars (bare read_csv) on the same seeded files, interleaved, results
checked equal, ratio table printed (markdown).

    scripts/bench-peers/bench.py [--votes 1000000] [--seed 1] [--rounds 3]
                                 [--work DIR] [--govkit PATH]

Inputs come from gen.py (same seed, same files). Peers are installed into a
private folder (DIR/peers): @snapshot-labs/snapshot.js 0.17.5 from npm and
polars from PyPI in a virtualenv. Each task runs govkit and the peer
alternately, `--rounds` times; the table shows medians of whole-process
wall time (snapshot.js's module load is on its side; polars is timed
around `read_csv` only, inside Python, import excluded). Ratio = peer time /
govkit time. Scores must agree within 1e-9 relative (snapshot.js computes
in doubles, govkit exactly), or the script fails.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TYPES = ["single-choice", "approval", "weighted", "quadratic", "ranked-choice", "copeland"]
CHOICES = 5
POLARS = "polars"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def install_peers(peers):
    os.makedirs(peers, exist_ok=True)
    if not os.path.exists(os.path.join(peers, "node_modules", "@snapshot-labs", "snapshot.js")):
        sh(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", peers,
            "@snapshot-labs/snapshot.js@0.17.5"])
    venv = os.path.join(peers, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
        sh([py, "-m", "pip", "install", "-q", POLARS])
    return py


def timed(cmd, env=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return time.perf_counter() - start, out


def govkit_scores(out):
    report = json.loads(out)
    scores = []
    for c in report["choices"]:
        p = c["power"]
        scores.append(Fraction(p) if "/" in p else Fraction(p))
    return scores


def close(got, want):
    for g, w in zip(got, want):
        w = Fraction(w)
        if w == 0:
            if g != 0:
                return False
        elif abs((g - w) / w) > Fraction(1, 10**9):
            return False
    return len(got) == len(want)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--votes", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default="/tmp/govkit-bench-peers")
    ap.add_argument("--govkit", default=None)
    ap.add_argument("--types", default=",".join(TYPES))
    a = ap.parse_args()
    govkit = a.govkit or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                      "release", "govkit")
    if not os.path.exists(govkit):
        sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    data = os.path.join(a.work, "data-%d-%d" % (a.votes, a.seed))
    if not os.path.exists(os.path.join(data, "votes.csv")):
        sh([sys.executable, os.path.join(HERE, "gen.py"), "--votes", str(a.votes),
            "--seed", str(a.seed), "--out", data])
    py = install_peers(os.path.join(a.work, "peers"))
    env = dict(os.environ, NODE_PATH=os.path.join(a.work, "peers", "node_modules"))

    rows = []
    for kind in a.types.split(","):
        toml = os.path.join(data, "%s.toml" % kind)
        f = os.path.join(data, "%s.json" % kind)
        ours, theirs = [], []
        for _ in range(a.rounds):
            t, out = timed([govkit, "evaluate", toml, "--format", "json"])
            ours.append(t)
            t, peer = timed(["node", os.path.join(HERE, "snapshot-peer.js"), kind, f, str(CHOICES)], env)
            theirs.append(t)
        got, want = govkit_scores(out), json.loads(peer)["scores"]
        if not close(got, want):
            sys.exit("%s: govkit %s vs snapshot.js %s" % (kind, [float(g) for g in got], want))
        size = os.path.getsize(f) / 1e6
        rows.append(("%s, %s votes JSON (%.0f MB)" % (kind, f"{a.votes:,}", size), "snapshot.js",
                     statistics.median(ours), statistics.median(theirs)))

    csv = os.path.join(data, "votes.csv")
    probe = ("import sys, time, polars as pl\n"
             "t = time.perf_counter(); df = pl.read_csv(sys.argv[1]); "
             "print(time.perf_counter() - t, df.height)")
    ours, theirs = [], []
    for _ in range(a.rounds):
        t, out = timed([govkit, "evaluate", os.path.join(data, "csv.toml"), "--format", "json"])
        ours.append(t)
        _, peer = timed([py, "-c", probe, csv])
        secs, height = peer.split()
        theirs.append(float(secs))
    if int(height) != a.votes or json.loads(out)["votes"]["read"] != a.votes:
        sys.exit("csv: row counts differ")
    rows.append(("basic ballot, %s votes CSV (%.0f MB)" % (f"{a.votes:,}", os.path.getsize(csv) / 1e6),
                 "polars read_csv", statistics.median(ours), statistics.median(theirs)))

    print("machine: %s, %d cores, %s; median of %d interleaved runs, seed %d"
          % (platform.processor() or platform.machine(), os.cpu_count(), platform.system(), a.rounds, a.seed))
    print()
    print("| task | govkit | peer | peer time | ratio (peer / govkit) |")
    print("|---|---|---|---|---|")
    for task, peer, g, p in rows:
        print("| %s | %.2f s | %s | %.2f s | %.2fx |" % (task, g, peer, p, p / g))


if __name__ == "__main__":
    main()
