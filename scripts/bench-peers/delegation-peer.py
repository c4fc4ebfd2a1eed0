#!/usr/bin/env python3
"""The networkx side of the delegation benchmark: resolve whole delegations
over a holder snapshot the way govkit's `one-hop` and `transitive`
policies do, with a networkx DiGraph, and print the resulting powers.

    delegation-peer.py HOLDERS.csv DELEGATIONS.csv one-hop|transitive DECIMALS

HOLDERS is `address,balance` (balances in tokens with up to DECIMALS
decimals, read exactly into integer base units, as `govkit synth` writes)
or `address,amount_wei` (base units, as gen_delegation.py writes), DELEGATIONS is
`delegator,delegate` (whole delegations only; a fraction column is
refused). Addresses are compared in lower case, as govkit does.

- one-hop: a delegator's own balance moves once, to its delegate; a holder
  who does not delegate (or delegates to itself) keeps its own balance.
- transitive: power follows the chain to its end. Delegations that form a
  cycle are void: each member keeps its own balance, and power arriving
  from outside stops at the first member it reaches. With networkx: drop
  the out-edges of every node on a cycle (strongly connected components of
  more than one node, or self-loops), then every remaining root collects
  its own balance and that of all its ancestors.

Prints {"total", "delegated" (the own balances that moved), "delegators", "top": [[address, power], ...]}
with powers as integer base units (strings), top 10 by power then address.
"""
import csv
import json
import sys
from decimal import Decimal, getcontext

import networkx as nx

holders_path, delegations_path, policy, decimals = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
getcontext().prec = 100  # exact for any u128 amount
scale = Decimal(10) ** decimals

own = {}
with open(holders_path, newline="") as f:
    reader = csv.DictReader(f)
    wei = "amount_wei" in (reader.fieldnames or [])
    for row in reader:
        units = int(row["amount_wei"]) if wei else int(Decimal(row["balance"]) * scale)
        own[row["address"].lower()] = units

g = nx.DiGraph()
with open(delegations_path, newline="") as f:
    reader = csv.DictReader(f)
    if "fraction" in (reader.fieldnames or []):
        sys.exit("split delegations are not part of this peer")
    for row in reader:
        a, b = row["delegator"].lower(), row["delegate"].lower()
        g.add_edge(a, b)

power = dict(own)
delegators = 0
moved_total = 0
if policy == "one-hop":
    for a, b in g.edges():
        if a == b:
            continue
        delegators += 1
        mine = own.get(a, 0)
        moved_total += mine
        power[a] = power.get(a, 0) - mine
        power[b] = power.get(b, 0) + mine
elif policy == "transitive":
    on_cycle = set()
    for scc in nx.strongly_connected_components(g):
        if len(scc) > 1:
            on_cycle |= scc
    on_cycle |= {a for a, b in g.edges() if a == b}
    g.remove_edges_from([(a, b) for a, b in list(g.edges()) if a in on_cycle])
    for node in g.nodes():
        if g.out_degree(node) == 0 and g.in_degree(node) > 0:
            moved = sum(own.get(a, 0) for a in nx.ancestors(g, node))
            power[node] = power.get(node, 0) + moved
    for node in g.nodes():
        if g.out_degree(node) > 0:
            delegators += 1
            moved_total += own.get(node, 0)
            power[node] = power.get(node, 0) - own.get(node, 0)
else:
    sys.exit("policy must be one-hop or transitive")

total = sum(own.values())
assert sum(power.values()) == total
top = sorted(power.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
print(json.dumps({"total": str(total), "delegated": str(moved_total), "delegators": delegators,
                  "top": [[a, str(p)] for a, p in top]}))
