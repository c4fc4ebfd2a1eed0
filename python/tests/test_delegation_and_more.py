"""delegation() on the real Decentraland members export, recomputed here
from the file with the csv module and Fractions; conviction, fund and
synth through the same calls as their subcommands."""

import csv
from fractions import Fraction

import pytest

import govkit
from conftest import REPO, shared

# Voting power by asset; `Total VP` adds the delegated power on top and
# `Delegated VP` is what the member received.
ASSET_COLUMNS = ("MANA VP", "LAND VP", "ESTATE VP", "NAMES VP", "L1 Wearables VP", "Rental VP")


def test_decentraland_one_hop_delegation_recomputed_from_the_file():
    members = shared("decentraland/members.csv")
    with open(members, newline="") as f:
        rows = list(csv.DictReader(f))
    own = {r["Member"].lower(): sum(Fraction(r[c] or "0") for c in ASSET_COLUMNS) for r in rows}
    received = {}
    delegators = 0
    for r in rows:
        if r["Has Delegated"] == "true":
            delegators += 1
            d = r["Delegate"].strip().lower()
            received[d] = received.get(d, 0) + own[r["Member"].lower()]

    a = govkit.delegation(members, members, policy="snapshot")
    assert a["format"] == "decentraland-members"
    assert Fraction(a["total_power"]) == sum(own.values())
    assert a["counts"]["delegators"] == delegators == 321
    got = {d["address"]: Fraction(d["received"]) for d in a["delegates"]}
    assert got == received  # every one of the 122 delegates, exactly
    assert len(got) == 122
    # Two delegators of 8907 and 12000 MANA-equivalent VP.
    powers = a.delegate_powers()
    assert powers["0x5e382071464a6f9ea29708a045983dc265b0d86d"].units >= 20907 * 10**18
    df = a.to_pandas()
    assert set(df["address"]) == set(received)


def test_conviction_funding_simulation():
    r = govkit.conviction(REPO / "proposals" / "conviction-funding.toml")
    assert r["kind"] == "conviction-funding"
    passing = {p["id"]: p["passes_at"] for p in r["proposals"]}
    assert passing["zine"] is None  # 500 staked never reaches its threshold
    # A proposal passes once its conviction reaches its threshold.
    for p in r["proposals"]:
        if p["passes_at"] is not None:
            assert int(p["conviction"]) >= int(p["threshold"])
    assert list(r.to_pandas()["id"]) == ["garden", "bridge", "zine"]


def test_funding_round_pays_out_the_pool_exactly():
    r = govkit.fund(REPO / "proposals" / "fund-clr-example.toml", html=True)
    assert r.html and "<svg" in r.html
    assert r._repr_html_() == r.html
    d = r.to_dict()
    pool = Fraction(d["pool"])
    for rule in d["rules"]:
        paid = sum(Fraction(p["payout"]) for p in rule["projects"])
        assert paid == Fraction(rule["paid"])
        assert paid + Fraction(rule["unallocated"]) == pool
    # Plain QF recomputed from the contributions: (sum of roots)^2 - sum,
    # per project, with each contributor's rows summed first.
    by = {}
    with open(REPO / "proposals" / "data" / "fund-clr-example.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["project"], row["contributor"])
            by[key] = by.get(key, 0) + int(row["amount"])
    qf = next(rule for rule in d["rules"] if rule["rule"] == "quadratic")
    for p in qf["projects"]:
        amounts = [a for (proj, _), a in by.items() if proj == p["project"]]
        expected = sum(a**0.5 for a in amounts) ** 2 - sum(amounts)
        assert abs(float(Fraction(p["raw"])) - expected) < 1e-9
    df = r.to_pandas()
    assert set(df["rule"]) == {"quadratic", "clr", "cocm"}


def test_synth_writes_a_dao_that_evaluates(tmp_path):
    counts = govkit.synth(tmp_path / "dao", 500, seed=7, turnout=0.5)
    assert counts["holders"] == 500 and counts["votes"] > 0
    proposals = list((tmp_path / "dao").glob("*.toml"))
    assert proposals
    r = govkit.evaluate(proposals[0])
    assert r.votes.counted == counts["votes"]


def test_docstrings_explain():
    assert "mechanisms" in govkit.compare.__doc__
    assert "GIL" in govkit.register_mechanism.__doc__
    with pytest.raises(TypeError):
        govkit.evaluate()
