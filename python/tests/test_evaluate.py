"""evaluate(): Compound Governor Bravo proposal 43 against the official
numbers recomputed here from the event log with the csv module and Python
ints; the same votes in memory as a DataFrame, an Arrow table and a list of
dicts; exactness of amounts at the boundary."""

import csv
from decimal import Decimal
from fractions import Fraction
from math import isqrt

import pytest

import govkit
from conftest import REPO

EVENTS = REPO / "proposals" / "data" / "compound-43-events.csv"
SUPPORT = {"0.0": "Against", "1.0": "For", "2.0": "Abstain"}
BRAVO_RULES = {"quorum": "400000", "quorum_counts": ["For"], "pass": "majority"}


def vote_rows():
    """The VoteCast events of proposal 43: (voter, choice, votes as int)."""
    with open(EVENTS, newline="") as f:
        return [
            (r["voter"], SUPPORT[r["support"]], int(r["votes"]))
            for r in csv.DictReader(f)
            if r["event_name"] == "VoteCast" and float(r["proposalId"]) == 43
        ]


def sums(rows, f=lambda w: w):
    out = {"For": 0, "Against": 0, "Abstain": 0}
    for _, choice, w in rows:
        out[choice] += f(w)
    return out


def test_compound_43_outcome_and_exact_powers():
    rows = vote_rows()
    assert len(rows) == 95
    s = sums(rows)
    r = govkit.evaluate(REPO / "proposals" / "compound-43.toml")
    assert r.outcome == "passed" and r.passed
    assert r.official_outcome == "passed"  # the log has ProposalQueued/Executed
    assert r.winner == "For"
    for c in r.choices:
        assert c.power.units == s[c.name], c.name
        assert isinstance(c.power.units, int)
        assert c.power.decimal == Decimal(s[c.name]).scaleb(-18)
        assert c.share == Fraction(s[c.name], sum(s.values()))
    assert r.quorum.reached and r.quorum.required.units == 400_000 * 10**18
    assert r.quorum.counted.units == s["For"]
    assert r.votes.read == r.votes.counted == 95
    # The exact text is what the CLI prints.
    assert r.choice("For").power == "1367841.964900760752685033"
    assert r.to_dict()["choices"][0]["power"] == "1367841.964900760752685033"


def test_compound_43_quadratic_powers_are_integer_square_roots():
    rows = vote_rows()
    roots = sums(rows, isqrt)
    c = govkit.compare(REPO / "proposals" / "compound-43.toml", mechanisms=["quadratic"])
    q = c.row("quadratic")
    assert q.power_decimals == 9
    for ch in q.choices:
        assert ch.power.units == roots[ch.name], ch.name
    assert q.outcome == ("passed" if roots["For"] > roots["Against"] else "rejected")


def frame():
    pd = pytest.importorskip("pandas")
    rows = vote_rows()
    return pd.DataFrame(
        {
            "voter": [v for v, _, _ in rows],
            "choice": [c for _, c, _ in rows],
            "weight": pd.Series([w for _, _, w in rows], dtype=object),  # ints above int64
        }
    )


def test_in_memory_dataframe_gives_the_file_result():
    df = frame()
    r = govkit.evaluate(votes=df, rules=BRAVO_RULES, id="c43")
    f = govkit.evaluate(REPO / "proposals" / "compound-43.toml")
    assert [c.power for c in r.choices] == [c.power for c in f.choices]
    assert r.outcome == f.outcome == "passed"
    # Token text and Decimal weights are the same amounts.
    df2 = df.assign(weight=[str(Decimal(w).scaleb(-18)) for w in df["weight"]])
    assert [c.power for c in govkit.evaluate(votes=df2, rules=BRAVO_RULES).choices] == [
        c.power for c in f.choices
    ]
    df3 = df.assign(weight=[Decimal(w).scaleb(-18) for w in df["weight"]])
    assert govkit.evaluate(votes=df3, rules=BRAVO_RULES).choice("For").power.units == sums(
        vote_rows()
    )["For"]


def test_in_memory_list_of_dicts_and_arrow_table():
    rows = vote_rows()
    dicts = [{"voter": v, "choice": c, "weight": w} for v, c, w in rows]
    r = govkit.evaluate(votes=dicts, rules=BRAVO_RULES, mechanism="quadratic")
    roots = sums(rows, isqrt)
    assert [c.power.units for c in r.choices] == [roots["For"], roots["Against"], roots["Abstain"]]

    pa = pytest.importorskip("pyarrow")
    # Decimal weights in an Arrow decimal column (whole tokens, exact).
    table = pa.table(
        {
            "voter": [v for v, _, _ in rows],
            "choice": [c for _, c, _ in rows],
            "weight": pa.array([Decimal(w).scaleb(-18) for _, _, w in rows], pa.decimal128(38, 18)),
        }
    )
    r = govkit.evaluate(votes=table, rules=BRAVO_RULES)
    assert r.choice("For").power.units == sums(rows)["For"]
    # int64 base units (small amounts).
    table = pa.table({"voter": ["0xa", "0xb"], "choice": ["For", "Against"], "weight": [3, 2]})
    r = govkit.evaluate(votes=table)
    assert [c.power.units for c in r.choices] == [3, 2, 0]


def test_holders_supply_the_weights():
    votes = [{"voter": "0xa", "choice": "For"}, {"voter": "0xb", "choice": "Against"}]
    r = govkit.evaluate(votes=votes, holders={"0xa": 5, "0xb": 7, "0xc": 100})
    assert [c.power.units for c in r.choices] == [5, 7, 0]
    assert r.outcome == "rejected"
    # A fractional quorum of the holders' total supply (112 units): 20% is
    # 22.4 units, and 5 + 7 units voted.
    r = govkit.evaluate(votes=votes, holders={"0xa": 5, "0xb": 7, "0xc": 100},
                        rules={"quorum": "20%", "pass": "majority"})
    assert r.quorum.required.units == Fraction(224, 10)
    assert r.quorum.counted.units == 12
    assert not r.quorum.reached


def test_float_amounts_are_refused():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"voter": ["0xa"], "choice": ["For"], "weight": [1.5]})
    with pytest.raises(TypeError, match="float"):
        govkit.evaluate(votes=df)
    with pytest.raises(TypeError, match="float"):
        govkit.evaluate(votes=[{"voter": "0xa", "choice": "For", "weight": 0.1}])
    with pytest.raises(TypeError, match="float"):
        govkit.evaluate(votes=[{"voter": "0xa", "choice": "For", "weight": 1}],
                        rules={"quorum": 0.5})


def test_report_table_and_html():
    r = govkit.evaluate(REPO / "proposals" / "compound-43.toml")
    df = r.to_pandas()
    assert list(df["choice"]) == ["For", "Against", "Abstain"]
    assert df["power_units"][1] == 5000 * 10**18
    assert "compound-43" in r._repr_html_()


def test_votes_given_as_a_file_path_with_rules_in_memory():
    # The governor log itself as the votes, the rules as a dict.
    r = govkit.evaluate(votes=EVENTS, proposal_id="43", rules=BRAVO_RULES)
    s = sums(vote_rows())
    assert [c.power.units for c in r.choices] == [s["For"], s["Against"], s["Abstain"]]
    assert r.official_outcome == "passed"
