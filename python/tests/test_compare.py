"""compare(): mechanisms side by side, the pandas round trip of the table,
the batch over a whole governor log, the HTML report."""

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest

import govkit
from conftest import REPO, shared

C43 = REPO / "proposals" / "compound-43.toml"
LABELS = ["token-weighted", "quadratic", "capped:1%"]


def test_compare_table_round_trips_through_pandas_csv():
    pd = pytest.importorskip("pandas")
    c = govkit.compare(C43, mechanisms=LABELS)
    assert [r.label for r in c.rows] == LABELS
    df = c.to_pandas()
    assert list(df["label"]) == LABELS
    back = pd.read_csv(io.StringIO(df.to_csv(index=False)), dtype=str, keep_default_na=False)
    exact = [col for col in df.columns if col.startswith(("power:", "share:")) or col in ("gini", "margin")]
    assert "gini" in exact and "power:For" in exact
    for col in exact:
        for original, text in zip(df[col], back[col]):
            assert Fraction(text) == Fraction(original), col  # no float on the way
    for col in ("outcome", "winner", "label"):
        assert list(back[col]) == list(df[col].astype(str))
    # The table agrees with the typed rows and the JSON.
    d = c.to_dict()
    for row, raw in zip(c.rows, d["rows"]):
        assert row.gini == Fraction(raw["gini_exact"])
        assert Decimal(raw["gini"]) == round(Decimal(row.gini.numerator) / row.gini.denominator, 6)


def test_gini_of_token_weighted_row_recomputed():
    from test_evaluate import vote_rows

    w = sorted(x for _, _, x in vote_rows())
    n, s = len(w), sum(w)
    gini = Fraction(2 * sum(i * x for i, x in enumerate(w, 1)), n * s) - Fraction(n + 1, n)
    assert govkit.compare(C43, mechanisms=["token-weighted"]).row("token-weighted").gini == gini


def test_compare_all_over_the_bravo_log_matches_official_outcomes():
    pd = pytest.importorskip("pandas")
    b = govkit.compare(REPO / "proposals" / "headline" / "compound-bravo.toml", all=True,
                       mechanisms=["token-weighted", "quadratic"])
    assert isinstance(b, govkit.BatchComparison)
    # Official outcomes from the log itself: queued or executed = passed.
    queued, created = set(), set()
    with open(shared("governor-events/compound_governor_bravo.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["event_name"] in ("ProposalQueued", "ProposalExecuted"):
                queued.add(str(int(float(r["id"]))))
            if r["event_name"] == "ProposalCreated":
                created.add(str(int(float(r["id"]))))
    assert len(b.proposals) + len(b.skipped) == len(created)
    df = b.to_pandas()
    tw = df[df["label"] == "token-weighted"]
    assert len(tw) == len(b.proposals)
    for p in b.proposals:
        assert p.official_outcome in ("passed", "defeated", "canceled")
        assert (p.official_outcome == "passed") == (p.id in queued), p.id
        if p.official_outcome != "canceled":
            assert p.rows[0].outcome == ("passed" if p.official_outcome == "passed" else "rejected"), p.id


def test_html_report_for_a_notebook():
    c = govkit.compare(C43, mechanisms=LABELS, html=True)
    assert c.html.lstrip().lower().startswith("<!doctype html")
    assert c._repr_html_() is c.html
    assert "<svg" in c.html


def test_rule_variants_and_scenarios():
    c = govkit.compare(C43, mechanisms=["token-weighted"], scenarios=["whales-abstain:3"],
                       rules=['strict = {pass = "2/3"}'])
    assert [r.label for r in c.rows] == ["token-weighted", "rules:strict"]
    assert c.scenarios and c.scenarios[0]["scenario"] == "whales-abstain:3"
