#!/usr/bin/env python3
"""Writes seeded benchmark inputs: one Snapshot hub JSON file per ballot type
({"data": {"votes": [...]}}), a govkit proposal TOML beside each, and a vote
CSV for the basic ballot.

Voters are 0x + 40 hex digits (a third in mixed case, as EIP-55 checksums
are), about 2% vote twice (the later `created` counts), vp is a decimal
token amount with 0 to 18 decimals from a heavy-tailed distribution (exact
in 18 decimals, as govkit reads it; snapshot.js reads the same text as a
double).

usage: gen.py --votes 1000000 --seed 1 --out DIR [--types single-choice,...]
"""
import argparse
import json
import os
import random

CHOICES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
TYPES = ["single-choice", "approval", "weighted", "quadratic", "ranked-choice", "copeland"]


def voters(rng, n):
    out = []
    for i in range(n):
        h = "%016x%024x" % ((i * 0x9E3779B97F4A7C15) & (2**64 - 1), rng.getrandbits(96))
        if rng.random() < 0.33:
            h = "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c for c in h)
        out.append("0x" + h)
    return out


def vp(rng):
    whole = int(rng.paretovariate(1.16) * 10) - 10
    d = rng.randint(0, 18)
    if d == 0:
        return str(max(whole, 1))
    frac = rng.getrandbits(60) % (10**d)
    return "%d.%0*d" % (whole, d, frac)


def choice(rng, kind):
    n = len(CHOICES)
    if kind == "single-choice":
        return str(rng.randint(1, n))
    if kind == "approval":
        k = rng.randint(1, 3)
        return json.dumps(sorted(rng.sample(range(1, n + 1), k)))
    if kind in ("weighted", "quadratic"):
        k = rng.randint(1, 3)
        picks = rng.sample(range(1, n + 1), k)
        return "{" + ", ".join('"%d": %d' % (c, rng.randint(1, 100)) for c in picks) + "}"
    order = list(range(1, n + 1))
    rng.shuffle(order)
    return json.dumps(order)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--votes", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--types", default=",".join(TYPES + ["csv"]))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for kind in a.types.split(","):
        rng = random.Random("%d-%s" % (a.seed, kind))
        distinct = a.votes - a.votes // 50
        vs = voters(rng, distinct)
        order = vs + [vs[rng.randrange(distinct)] for _ in range(a.votes - distinct)]
        if kind == "csv":
            path = os.path.join(a.out, "votes.csv")
            with open(path, "w") as f:
                f.write("voter,choice,weight,created\n")
                for i, v in enumerate(order):
                    f.write("%s,%s,%s,%d\n" % (v, rng.choice(["For", "against", "Abstain", "1", "2"]), vp(rng), 1700000000 + i))
            with open(os.path.join(a.out, "csv.toml"), "w") as f:
                f.write('id = "bench-csv"\nballot = "basic"\ndecimals = 18\n\n[votes]\npath = "votes.csv"\nformat = "csv"\n\n[rules]\npass = "majority"\n')
            continue
        path = os.path.join(a.out, "%s.json" % kind)
        with open(path, "w") as f:
            f.write('{"data": {"votes": [\n')
            for i, v in enumerate(order):
                sep = ",\n" if i else ""
                f.write('%s{"voter": "%s", "choice": %s, "vp": %s, "created": %d, "proposal": {"id": "0xbench"}}'
                        % (sep, v, choice(rng, kind), vp(rng), 1700000000 + i))
            f.write("\n]}}\n")
        with open(os.path.join(a.out, "%s.toml" % kind), "w") as f:
            f.write('id = "bench-%s"\nballot = "%s"\ndecimals = 18\nchoices = %s\n\n[votes]\npath = "%s.json"\nformat = "snapshot-json"\n\n[rules]\npass = "plurality"\n'
                    % (kind, kind, json.dumps(CHOICES), kind))


if __name__ == "__main__":
    main()
