#!/usr/bin/env python3
"""Side by side: govkit against the tools a user would otherwise pick, on
the same seeded or real files, interleaved, results checked equal, ratio
table printed (markdown).

    scripts/bench-peers/bench.py [--tasks json,csv,metrics,control,indices,delegation,compare,linear]
                                 [--votes 1000000] [--holders 1000000] [--seed 1] [--linear-sizes 10000,...]
                                 [--rounds 3] [--work DIR] [--govkit PATH] [--types ...]

Tasks and peers:

- json: every Snapshot ballot type, a hub export of --votes votes (gen.py),
  `govkit evaluate` against snapshot.js 0.17.5's own voting classes
  (snapshot-peer.js). Scores must agree within 1e-9 relative (snapshot.js
  computes in doubles, govkit exactly).
- csv: the same votes as a CSV file, `govkit evaluate` (read, exact
  decimals, dedupe, tally, decide) against polars' bare `read_csv`. Two
  rows: polars as a whole process (`import polars` included, as govkit's
  whole process is timed) and polars timed inside Python around
  `read_csv` only. Row counts must agree.
- metrics: the UNI airdrop (../shared/data), `govkit control --indices
  none` against pandas + numpy (metrics-peer.py). Holders and the
  Nakamoto coefficient must be equal, Gini, HHI and top-k shares within
  1e-9 relative.
- control: `govkit control` on the UNI airdrop with default flags (no peer
  computes its exact/estimated power indices; time only).
- indices: exact Banzhaf on the seeded 200-player game (weights totalling
  100,000), govkit's examples/power_index against PyPI powerindex 0.3.5,
  both timed in-process; Banzhaf checked within 1e-9. Shapley-Shubik
  (powerindex does not finish it) is timed for govkit alone on five
  seeded 200-player games.
- delegation: gen_delegation.py's population (--holders holders, 30% as
  many whole delegations: chains of 20, cycles, tails into cycles, heavy-
  tailed direct delegations, delegates outside the snapshot; the same draws
  as `cargo bench --bench delegation`), resolved one-hop and transitively
  by `govkit delegation` (its default table, top 10) against networkx
  (delegation-peer.py). Total, moved power and the ten largest powers
  after delegation must be equal, exactly.
- compare: `govkit compare` on a synthetic DAO of --holders holders (10%
  delegate, 20% of the others vote; `govkit synth`) with five mechanisms
  (time only).
- linear (not in the default list: it writes about 3 GB): `govkit
  evaluate` on gen.py's single-choice and quadratic JSON and its CSV at
  each of --linear-sizes votes (default 10k, 100k, 1M, 10M), time and
  cost per vote (govkit alone).

Peers are installed into a private folder (DIR/peers): snapshot.js from
npm; polars, pandas, numpy, networkx and powerindex from PyPI in a
virtualenv. Each task runs govkit and the peer alternately `--rounds`
times; the table shows medians of whole-process wall time unless a row
says otherwise, and govkit's peak resident memory (max RSS). Ratio = peer
time / govkit time.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, getcontext
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
UNI = os.path.join(SHARED, "data", "uniswap-airdrop", "uni_airdrop_claims.csv")
TASKS = ["json", "csv", "metrics", "control", "indices", "delegation", "compare"]
EXTRA_TASKS = ["linear"]
TYPES = ["single-choice", "approval", "weighted", "quadratic", "ranked-choice", "copeland"]
CHOICES = 5
PYPI = ["polars", "pandas", "numpy", "networkx", "powerindex==0.3.5"]
MECHANISMS = "token-weighted,quadratic,capped:5%,delegated:transitive,no-delegation"
getcontext().prec = 100


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
    sh([py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PYPI)
    return py


def timed(cmd, env=None):
    """Runs `cmd`; returns (wall seconds, stdout, peak RSS in MB).

    MB are 10^6 bytes, as the file sizes in the task names, so the two
    compare directly (Linux reports ru_maxrss in KiB)."""
    # The child's ru_maxrss counts the forking Python process until the
    # exec; GNU time, a small process, reports the command's own.
    gnu_time = os.path.exists(GNU_TIME)
    run = [GNU_TIME, "-f", RSS_MARK + "%M", *cmd] if gnu_time else cmd
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(run, stdout=subprocess.PIPE, stderr=err, env=env, text=True)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode()
        if p.returncode != 0:
            sys.exit("%s failed (%d): %s" % (" ".join(cmd), p.returncode, text[-2000:]))
    kib = usage.ru_maxrss
    if gnu_time:
        marked = [l for l in text.splitlines() if l.startswith(RSS_MARK)]
        kib = int(marked[-1][len(RSS_MARK):])
    return wall, out, kib * 1024 / 1e6


GNU_TIME = "/usr/bin/time"
RSS_MARK = "bench-peak-rss-kib: "


def close(got, want, rel=Fraction(1, 10**9)):
    got, want = Fraction(got), Fraction(want)
    if want == 0:
        return got == 0
    return abs((got - want) / want) <= rel


def seconds(s):
    if s is None:
        return "–"
    return "%.1f ms" % (s * 1000) if s < 0.1 else "%.2f s" % s


class Table:
    def __init__(self):
        self.rows = []

    def add(self, task, ours, rss, peer, theirs, note=""):
        self.rows.append((task, ours, rss, peer, theirs, note))
        print("  %s: govkit %.3f s, %s %s" % (task, ours, peer,
                                             "%.3f s" % theirs if theirs else "-"), file=sys.stderr)

    def print(self, a):
        print("machine: %s, %d cores, %s; median of %d interleaved runs, seed %d"
              % (platform.processor() or platform.machine(), os.cpu_count(), platform.system(),
                 a.rounds, a.seed))
        print()
        print("| task | govkit | govkit peak RSS | peer | peer time | ratio (peer / govkit) |")
        print("|---|---|---|---|---|---|")
        for task, ours, rss, peer, theirs, note in self.rows:
            ratio = "%.1fx" % (theirs / ours) if theirs else "–"
            task = task + (" (%s)" % note if note else "")
            memory = "%.0f MB" % rss if rss else "–"
            print("| %s | %s | %s | %s | %s | %s |" % (task, seconds(ours), memory, peer,
                                                     seconds(theirs), ratio))


def interleave(rounds, ours_cmd, peer_cmd=None, env=None):
    ours, theirs, rss = [], [], []
    out = peer = None
    for _ in range(rounds):
        t, out, m = timed(ours_cmd)
        ours.append(t)
        rss.append(m)
        if peer_cmd:
            t, peer, _ = timed(peer_cmd, env)
            theirs.append(t)
    return (statistics.median(ours), max(rss), out,
            statistics.median(theirs) if theirs else None, peer)


def task_json(a, t, govkit, py, data, env):
    for kind in a.types.split(","):
        toml = os.path.join(data, "%s.toml" % kind)
        f = os.path.join(data, "%s.json" % kind)
        ours, rss, out, theirs, peer = interleave(
            a.rounds, [govkit, "evaluate", toml, "--format", "json"],
            ["node", os.path.join(HERE, "snapshot-peer.js"), kind, f, str(CHOICES)], env)
        got = [c["power"] for c in json.loads(out)["choices"]]
        want = json.loads(peer)["scores"]
        if len(got) != len(want) or not all(close(g, w) for g, w in zip(got, want)):
            sys.exit("%s: govkit %s vs snapshot.js %s" % (kind, got, want))
        t.add("%s, %s votes JSON (%.0f MB)" % (kind, f"{a.votes:,}", os.path.getsize(f) / 1e6),
              ours, rss, "snapshot.js", theirs)


def task_csv(a, t, govkit, py, data, env):
    csv = os.path.join(data, "votes.csv")
    probe = ("import sys, time\nt0 = time.perf_counter()\nimport polars as pl\n"
             "t = time.perf_counter(); df = pl.read_csv(sys.argv[1]); "
             "print(time.perf_counter() - t, df.height)")
    ours, inside, whole, rss = [], [], [], []
    for _ in range(a.rounds):
        s, out, m = timed([govkit, "evaluate", os.path.join(data, "csv.toml"), "--format", "json"])
        ours.append(s)
        rss.append(m)
        s, peer, _ = timed([py, "-c", probe, csv])
        whole.append(s)
        secs, height = peer.split()
        inside.append(float(secs))
    if int(height) != a.votes or json.loads(out)["votes"]["read"] != a.votes:
        sys.exit("csv: row counts differ")
    task = "basic ballot, %s votes CSV (%.0f MB)" % (f"{a.votes:,}", os.path.getsize(csv) / 1e6)
    ours = statistics.median(ours)
    t.add(task, ours, max(rss), "polars read_csv, whole process", statistics.median(whole))
    t.add(task, ours, max(rss), "polars read_csv, in-process (import excluded)",
          statistics.median(inside))


def task_metrics(a, t, govkit, py, data, env):
    ours, rss, out, theirs, peer = interleave(
        a.rounds, [govkit, "control", UNI, "--indices", "none", "--format", "json"],
        [py, os.path.join(HERE, "metrics-peer.py"), UNI, "address", "amount_wei"])
    g, p = json.loads(out), json.loads(peer)
    checks = [
        g["holders"] == p["holders"],
        g["nakamoto"][0]["k"] == p["nakamoto"],
        close(p["gini"], g["gini"]["exact"]),
        close(p["hhi"], g["hhi"]["exact"]),
    ] + [close(p["top"][str(s["k"])], s["exact"]) for s in g["top_shares"]]
    if not all(checks):
        sys.exit("metrics differ: govkit %s / pandas %s" % (out[:400], peer))
    t.add("UNI airdrop metrics (%s holders, `--indices none`)" % f"{g['holders']:,}",
          ours, rss, "pandas + numpy", theirs)


def task_control(a, t, govkit, py, data, env):
    ours, rss, out, _, _ = interleave(a.rounds, [govkit, "control", UNI, "--format", "json"])
    g = json.loads(out)
    mode = g.get("power_indices", {}).get("mode", "") if isinstance(g.get("power_indices"), dict) else ""
    t.add("UNI airdrop `govkit control` with default flags", ours, rss, "–", None, mode)


def release_dir():
    """Cargo's release folder (CARGO_TARGET_DIR honoured)."""
    return os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")


def task_indices(a, t, govkit, py, data, env):
    # The example is built from this checkout (not beside a `--govkit`
    # binary, which may be a copy anywhere).
    binary = os.path.join(release_dir(), "examples", "power_index")
    if not os.path.exists(binary):
        sh(["cargo", "build", "--release", "--quiet", "--example", "power_index"], cwd=ROOT)
    code = (
        "import sys, json, time\n"
        "sys.path.insert(0, %r)\n"
        "from bench import make_game\n"
        "from powerindex import Game\n"
        "w, q = make_game(int(sys.argv[1]), 200, 100_000)\n"
        "if sys.argv[2] == 'write':\n"
        "    print(json.dumps({'quota': q, 'weights': w})); sys.exit()\n"
        "g = Game(q, weights=w); t = time.perf_counter(); g.calc_banzhaf()\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'banzhaf': g.banzhaf}))\n"
    ) % os.path.join(ROOT, "scripts", "powerindex-crosscheck")
    ss = []
    for seed in range(2, 7):
        game = sh([py, "-c", code, str(seed), "write"], capture_output=True, text=True).stdout
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(game)
        ours = json.loads(sh([binary, f.name, "both", str(a.rounds)], capture_output=True,
                             text=True).stdout)
        os.unlink(f.name)
        ss.append(ours["shapley_shubik_seconds"])
        if seed == 2:
            theirs = json.loads(sh([py, "-c", code, "2", "time"], capture_output=True,
                                   text=True).stdout)
            worst = max(abs(x - y) for x, y in zip(ours["banzhaf"], theirs["banzhaf"]))
            if worst > 1e-9:
                sys.exit("Banzhaf differs from powerindex by %g" % worst)
            t.add("exact Banzhaf, 200 players, weights total 100,000 (seed 2)",
                  ours["banzhaf_seconds"], 0, "powerindex Banzhaf", theirs["seconds"], "in-process")
    t.add("exact Shapley-Shubik, 200 players, weights total 100,000, slowest of seeds 2-6",
          max(ss), 0, "– (powerindex does not finish)", None, "in-process; each seed: "
          + ", ".join(seconds(s) for s in ss))


def synth_dao(a, govkit, work):
    out = os.path.join(work, "synth-%d-%d" % (a.holders, a.seed))
    if not os.path.exists(os.path.join(out, "proposal.toml")):
        sh([govkit, "synth", "--holders", str(a.holders), "--delegation-rate", "0.1",
            "--seed", str(a.seed), "--out", out, "--force"], capture_output=True)
    return out


def task_delegation(a, t, govkit, py, data, env):
    work = os.path.join(a.work, "delegation-%d" % a.holders)
    if not os.path.exists(os.path.join(work, "delegations.csv")):
        sh([sys.executable, os.path.join(HERE, "gen_delegation.py"), "--holders", str(a.holders),
            "--out", work])
    holders, delegations = os.path.join(work, "holders.csv"), os.path.join(work, "delegations.csv")
    rows = sum(1 for _ in open(delegations)) - 1
    for policy in ["one-hop", "transitive"]:
        # Timed: govkit's default table (the top 10 after delegation, as
        # the peer prints); checked: one JSON run against the peer.
        ours, rss, _, theirs, peer = interleave(
            a.rounds, [govkit, "delegation", holders, delegations, "--policy", policy],
            [py, os.path.join(HERE, "delegation-peer.py"), holders, delegations, policy, "18"])
        g = json.loads(timed([govkit, "delegation", holders, delegations, "--policy", policy,
                              "--format", "json", "--top", "10"])[1])
        p = json.loads(peer)
        scale = Decimal(10) ** 18
        units = lambda s: int(Decimal(s) * scale)
        ours_top = [[r["address"], str(units(r["after"]))] for r in g["top"]["after"]]
        if (units(g["total_power"]) != int(p["total"])
                or units(g["delegated_power"]) != int(p["delegated"])
                or ours_top != p["top"]):
            sys.exit("delegation %s differs:\n govkit %s %s %s\n networkx %s" % (
                policy, g["total_power"], g["delegated_power"], ours_top, peer))
        t.add("delegation %s, %s holders / %s delegations (chains, cycles)"
              % (policy, f"{a.holders:,}", f"{rows:,}"), ours, rss, "networkx", theirs)


def task_compare(a, t, govkit, py, data, env):
    dao = synth_dao(a, govkit, a.work)
    ours, rss, out, _, _ = interleave(
        a.rounds, [govkit, "compare", os.path.join(dao, "proposal.toml"), "--mechanisms",
                   MECHANISMS, "--format", "json"])
    rows = len(json.loads(out)["rows"])
    t.add("compare, %s-holder synthetic DAO, %d mechanisms" % (f"{a.holders:,}", rows),
          ours, rss, "–", None)


def task_linear(a, t, govkit, py, data, env):
    for n in [int(x) for x in a.linear_sizes.split(",")]:
        out = os.path.join(a.work, "linear-%d-%d" % (n, a.seed))
        if not os.path.exists(os.path.join(out, "votes.csv")):
            sh([sys.executable, os.path.join(HERE, "gen.py"), "--votes", str(n), "--seed",
                str(a.seed), "--out", out, "--types", "single-choice,quadratic,csv"])
        for kind, toml, f in [("single-choice JSON", "single-choice.toml", "single-choice.json"),
                              ("quadratic JSON", "quadratic.toml", "quadratic.json"),
                              ("basic ballot CSV", "csv.toml", "votes.csv")]:
            ours, rss, out_json, _, _ = interleave(
                a.rounds, [govkit, "evaluate", os.path.join(out, toml), "--format", "json"])
            if json.loads(out_json)["votes"]["read"] != n:
                sys.exit("linear: %s at %d votes read a different count" % (kind, n))
            t.add("%s, %s votes (%.0f MB)" % (kind, f"{n:,}", os.path.getsize(os.path.join(out, f)) / 1e6),
                  ours, rss, "–", None, "%.2f µs a vote" % (ours / n * 1e6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--votes", type=int, default=1_000_000)
    ap.add_argument("--holders", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default="/tmp/govkit-bench-peers")
    ap.add_argument("--govkit", default=None)
    ap.add_argument("--types", default=",".join(TYPES))
    ap.add_argument("--linear-sizes", default="10000,100000,1000000,10000000")
    a = ap.parse_args()
    tasks = a.tasks.split(",")
    unknown = set(tasks) - set(TASKS + EXTRA_TASKS)
    if unknown:
        sys.exit("unknown task(s) %s; tasks: %s" % (", ".join(sorted(unknown)),
                                                    ", ".join(TASKS + EXTRA_TASKS)))
    govkit = a.govkit or os.path.join(release_dir(), "govkit")
    if not os.path.exists(govkit):
        sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    data = os.path.join(a.work, "data-%d-%d" % (a.votes, a.seed))
    if ({"json", "csv"} & set(tasks)) and not os.path.exists(os.path.join(data, "votes.csv")):
        sh([sys.executable, os.path.join(HERE, "gen.py"), "--votes", str(a.votes),
            "--seed", str(a.seed), "--out", data])
    if ({"metrics", "control"} & set(tasks)) and not os.path.exists(UNI):
        sys.exit("%s is missing: link ../shared beside the repository" % UNI)
    py = install_peers(os.path.join(a.work, "peers"))
    env = dict(os.environ, NODE_PATH=os.path.join(a.work, "peers", "node_modules"))
    table = Table()
    for task in tasks:
        globals()["task_" + task](a, table, govkit, py, data, env)
    table.print(a)


if __name__ == "__main__":
    main()
