#!/usr/bin/env python3
"""Side by side: `govkit delegation` against networkx on the delegation
benchmark's files (gen_delegation.py: 1,000,000 holders, 300,000 whole
delegations with chains, cycles and outside delegates), one hop and
transitive, interleaved; the 10 largest holders after delegation (address
and exact power in base units) and the delegated total must be equal, or
the script fails.

    scripts/bench-peers/bench_delegation.py [--rounds 3] [--work DIR]
                                            [--govkit PATH] [--python PY]

networkx comes from a private virtualenv (DIR/peers/venv, installed with
pip on first use) unless --python names an interpreter that has it. Both
sides are timed as whole processes (reading both CSV files, resolving, the
top 10); govkit prints its default table (`--format json` for the check
run). Ratio = networkx time / govkit time.

The networkx side: a DiGraph of the delegations; one hop moves each
delegator's balance to its delegate; transitive first voids the
delegations on cycles (strongly connected components of more than one
node; members keep their own balance) and then gives every node's balance
to the root of its tree (out-degree 0), as govkit's documented semantics
do.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PEER = r'''
import csv, sys, heapq
import networkx as nx
holders_path, deleg_path, policy = sys.argv[1:4]
bal = {}
with open(holders_path) as f:
    r = csv.reader(f); next(r)
    for a, b in r:
        bal[a] = int(b)
G = nx.DiGraph()
with open(deleg_path) as f:
    r = csv.reader(f); next(r)
    for a, b in r:
        G.add_edge(a, b)
power = dict(bal)
moved = 0
if policy == "one-hop":
    for a, b in G.edges():
        if a != b:
            x = bal.get(a, 0)
            moved += x
            power[a] = power.get(a, 0) - x
            power[b] = power.get(b, 0) + x
else:
    for c in nx.strongly_connected_components(G):
        if len(c) > 1:
            G.remove_edges_from([(a, b) for a in c for b in list(G.successors(a)) if b in c])
    for r in [n for n in G.nodes if G.out_degree(n) == 0]:
        for a in nx.ancestors(G, r):
            x = bal.get(a, 0)
            moved += x
            power[a] = power.get(a, 0) - x
            power[r] = power.get(r, 0) + x
top = heapq.nsmallest(10, ((-p, a) for a, p in power.items() if p > 0))
print(" ".join("%s:%d" % (a, -p) for p, a in top), moved)
'''


def base_units(text, decimals=18):
    whole, _, frac = text.partition(".")
    return int(whole) * 10**decimals + int((frac + "0" * decimals)[:decimals])


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default="/tmp/govkit-bench-delegation")
    ap.add_argument("--govkit", default=None)
    ap.add_argument("--python", default=None)
    a = ap.parse_args()
    govkit = a.govkit or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                      "release", "govkit")
    if not os.path.exists(govkit):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    if not os.path.exists(os.path.join(a.work, "delegations.csv")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_delegation.py"), "--out", a.work], check=True)
    py = a.python
    if py is None:
        venv = os.path.join(a.work, "peers", "venv")
        py = os.path.join(venv, "bin", "python")
        if not os.path.exists(py):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([py, "-m", "pip", "install", "-q", "networkx"], check=True)
    holders = os.path.join(a.work, "holders.csv")
    deleg = os.path.join(a.work, "delegations.csv")
    rows = []
    for policy in ["one-hop", "transitive"]:
        _, out = timed([govkit, "delegation", holders, deleg, "--policy", policy, "--format", "json"])
        report = json.loads(out)
        ours_top = " ".join("%s:%d" % (r["address"], base_units(r["after"])) for r in report["top"]["after"])
        ours_moved = base_units(report["delegated_power"])
        ours, theirs = [], []
        for _ in range(a.rounds):
            t, _ = timed([govkit, "delegation", holders, deleg, "--policy", policy])
            ours.append(t)
            t, peer = timed([py, "-c", PEER, holders, deleg, policy])
            theirs.append(t)
        peer_top, peer_moved = peer.rsplit(" ", 1)
        if peer_top != ours_top or int(peer_moved) != ours_moved:
            sys.exit("%s: govkit and networkx differ:\n%s %d\n%s %s"
                     % (policy, ours_top, ours_moved, peer_top, peer_moved))
        rows.append((policy, statistics.median(ours), statistics.median(theirs)))
    load = os.getloadavg()
    print("machine: %s, %d cores, %s; median of %d interleaved runs; load average %.1f"
          % (platform.processor() or platform.machine(), os.cpu_count(), platform.system(),
             a.rounds, load[0]))
    print()
    print("| delegation, 1,000,000 holders / 300,000 delegations | govkit | networkx | ratio |")
    print("|---|---|---|---|")
    for policy, g, p in rows:
        print("| %s | %.2f s | %.2f s | %.1fx |" % (policy, g, p, p / g))


if __name__ == "__main__":
    main()
