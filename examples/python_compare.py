"""Compound Governor Bravo from Python: every proposal under several voting
mechanisms, then one proposal's votes from a pandas DataFrame, with the
Lorenz curves of voting power drawn by matplotlib.

    pip install ./python pandas matplotlib
    python examples/python_compare.py [OUT_DIR]

Reads ../shared/data/governor-events/compound_governor_bravo.csv (beside
the repository); writes OUT_DIR/compound-bravo-lorenz.png (default: a
temporary folder) and prints the tables. CI runs it (python/ci.sh).
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import govkit  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LOG = REPO.parent / "shared" / "data" / "governor-events" / "compound_governor_bravo.csv"
MECHANISMS = ["token-weighted", "quadratic", "capped:1%", "quadratic-capped:1%"]
# Compound Bravo: 400,000 COMP of For votes, For > Against.
BRAVO_RULES = {"quorum": "400000", "quorum_counts": ["For"], "pass": "majority"}


def main(out: Path) -> None:
    # The raw log with pandas: keep every column as text (amounts are exact
    # integers in base units; never let them become floats).
    events = pd.read_csv(LOG, dtype=str, keep_default_na=False)
    votes = events[events["event_name"] == "VoteCast"]
    print(f"{len(votes)} VoteCast events on {votes['proposalId'].nunique()} proposals")

    # 1. Every proposal of the log under each mechanism, and under Aave's
    #    short-executor rules as a what-if (one library call:
    #    batch::compare_all, as `govkit compare --all`).
    aave = ('aave = {pass = "aave-v2", quorum = "2%", quorum_rounding = "floor", '
            'vote_differential = "0.5%", total_supply = "10000000"}')
    batch = govkit.compare(
        REPO / "proposals" / "headline" / "compound-bravo.toml",
        all=True,
        mechanisms=MECHANISMS,
        rules=[aave],
    )
    table = batch.to_pandas()
    summary = (
        table.assign(passed=table["outcome"] == "passed")
        .groupby("label", sort=False)
        .agg(
            proposals=("proposal", "count"),
            passed=("passed", "sum"),
            changed=("differs_from_first", "sum"),
        )
    )
    print(f"\n{len(batch.proposals)} proposals compared, {len(batch.skipped)} skipped")
    print(summary.to_string())
    flipped = table[table["differs_from_first"]][["proposal", "title", "label", "outcome"]]
    print(f"\noutcomes that differ from token-weighted:\n{flipped.to_string(index=False)}")

    # 2. One proposal from the DataFrame, in memory: Bravo #43.
    v = votes[votes["proposalId"].astype(float) == 43]
    df = pd.DataFrame(
        {
            "voter": v["voter"],
            "choice": v["support"].map({"0.0": "Against", "1.0": "For", "2.0": "Abstain"}),
            "weight": v["votes"].map(int),  # Python ints: exact base units
        }
    )
    c = govkit.compare(votes=df, proposal_rules=BRAVO_RULES, mechanisms=MECHANISMS,
                       id="compound-43")
    cols = ["label", "outcome", "power:For", "power:Against", "nakamoto", "gini"]
    shown = c.to_pandas()[cols].assign(gini=lambda t: t["gini"].map(lambda g: f"{float(g):.4f}"))
    print(f"\nCompound 43 ({len(df)} votes):\n{shown.to_string(index=False)}")

    # 3. Lorenz curves of the power counted under each mechanism.
    fig, ax = plt.subplots(figsize=(6, 6))
    for row in c.rows:
        xs, ys = zip(*row.lorenz)
        ax.plot(xs, ys, label=f"{row.label} (Gini {float(row.gini):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="equality")
    ax.set_xlabel("share of voters (poorest first)")
    ax.set_ylabel("share of voting power")
    ax.set_title("Compound Bravo #43: voting power by mechanism")
    ax.legend(loc="upper left")
    out.mkdir(parents=True, exist_ok=True)
    png = out / "compound-bravo-lorenz.png"
    fig.savefig(png, dpi=100)
    print(f"\nwrote {png}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="govkit-")))
