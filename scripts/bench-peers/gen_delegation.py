#!/usr/bin/env python3
"""Writes the delegation benchmark's population to files, seeded.

    scripts/bench-peers/gen_delegation.py [--seed 42] [--out DIR] [--holders 1000000]

The same population as `benches/delegation.rs` (same generator, SplitMix64
seeded with 42 there, the same draws in the same order), so with the
default seed the files are exactly what the criterion benchmark resolves
in memory:

- DIR/holders.csv: `address,amount_wei`, 1,000,000 holders, balances in
  base units (random up to 10^24);
- DIR/delegations.csv: `delegator,delegate`, 300,000 whole delegations:
  3,000 chains of 20, about 10,000 cycles of 2 to 4 members, 3,000 tails
  into cycles, and direct delegations to 20,000 delegates chosen with a
  heavy tail (2,000 of them not holders);
- DIR/split.csv: `delegator,delegate,fraction`, the split variant (30,000
  direct delegators give k/7 and (6-k)/7 to two delegates).

`--holders N` scales the population down (delegates, chains and cycles
scale with it) for quick runs; the default is the benchmark's.
"""
import argparse
import os

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed & MASK

    def next_u64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return (self.next_u64() * n) >> 64


def address(i):
    return "0x%040x" % (i * 0x9E3779B9 + 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default="/tmp/govkit-bench-delegation")
    ap.add_argument("--holders", type=int, default=1_000_000)
    a = ap.parse_args()
    scale = a.holders / 1_000_000
    holders = a.holders
    delegates = max(10, int(20_000 * scale))
    outside = max(1, int(2_000 * scale))
    chains = max(1, int(3_000 * scale))
    chain_len = 20
    in_cycles = max(2, int(30_000 * scale))
    tails = int(3_000 * scale)
    total_edges = int(300_000 * scale)
    splits_max = int(30_000 * scale)

    rng = SplitMix64(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "holders.csv"), "w") as f:
        f.write("address,amount_wei\n")
        lines = []
        for i in range(holders):
            tokens = rng.below(1_000_000)
            wei = tokens * 10**18 + rng.next_u64()
            lines.append("%s,%d\n" % (address(i), wei))
        f.write("".join(lines))

    def delegate():
        u = rng.below(1 << 16)
        return (u * u * delegates) >> 32

    def name(i):
        if delegates - outside <= i < delegates:
            return address(holders + i)  # not a holder
        return address(i)

    edges = []
    nxt = delegates
    for _ in range(chains):
        for k in range(chain_len):
            to = nxt + 1 if k + 1 < chain_len else delegate()
            edges.append((nxt, to))
            nxt += 1
    cycle_members = []
    built = 0
    while built < in_cycles:
        length = 2 + rng.below(3)
        length = max(min(length, in_cycles - built), 2)
        for k in range(length):
            edges.append((nxt + k, nxt + (k + 1) % length))
            cycle_members.append(nxt + k)
        nxt += length
        built += length
    direct = total_edges - len(edges)
    for k in range(direct):
        if k < tails:
            to = cycle_members[rng.below(len(cycle_members))]
        else:
            to = delegate()
        edges.append((nxt, to))
        nxt += 1
    assert nxt <= holders, "population too small for its delegations"

    with open(os.path.join(a.out, "delegations.csv"), "w") as f:
        f.write("delegator,delegate\n")
        f.write("".join("%s,%s\n" % (name(x), name(y)) for x, y in edges))

    split_lines = []
    splits = 0
    first_direct = len(edges) - direct + tails
    for k, (x, y) in enumerate(edges):
        if k >= first_direct and splits < splits_max:
            splits += 1
            other = delegate()
            if other == y:
                other = (other + 1) % delegates
            n = 1 + rng.below(5)
            split_lines.append("%s,%s,%d/7\n" % (name(x), name(y), n))
            split_lines.append("%s,%s,%d/7\n" % (name(x), name(other), 6 - n))
        else:
            split_lines.append("%s,%s,\n" % (name(x), name(y)))
    with open(os.path.join(a.out, "split.csv"), "w") as f:
        f.write("delegator,delegate,fraction\n")
        f.write("".join(split_lines))
    print("%s: %d holders, %d delegations (%d split rows), %d delegates"
          % (a.out, holders, len(edges), len(split_lines), delegates))


if __name__ == "__main__":
    main()
