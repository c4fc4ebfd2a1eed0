#!/usr/bin/env python3
"""The pandas + numpy side of the concentration benchmark: what an analyst
would write to get govkit's `control --indices none` headline numbers from
a holder snapshot.

    metrics-peer.py HOLDERS.csv ADDRESS_COLUMN BALANCE_COLUMN

Balances are read as float64 (the wei amounts of the UNI airdrop do not fit
int64), so the peer's numbers are floating-point approximations; the
benchmark checks them against govkit's exact ones within 1e-9 relative
(Gini, HHI, top-k shares) and exactly (holders, Nakamoto coefficient).
Prints one JSON object.
"""
import json
import sys

import numpy as np
import pandas as pd

path, address, balance = sys.argv[1:4]
df = pd.read_csv(path, usecols=[address, balance], dtype={address: str, balance: "float64"})
x = np.sort(df[balance].to_numpy())  # ascending
n = len(x)
total = x.sum()
i = np.arange(1, n + 1)
gini = 2.0 * float((i * x).sum()) / (n * total) - (n + 1) / n
shares = x / total
hhi = float((shares * shares).sum())
desc = np.cumsum(x[::-1])
nakamoto = int(np.searchsorted(desc, total / 2, side="right")) + 1
top = {k: float(desc[min(k, n) - 1] / total) for k in (1, 10, 100)}
print(json.dumps({"holders": n, "gini": gini, "hhi": hhi, "nakamoto": nakamoto, "top": top}))
