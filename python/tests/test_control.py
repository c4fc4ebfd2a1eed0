"""control(): the UNI airdrop's Nakamoto coefficient and Gini recomputed
here with Python ints and Fractions; exact power indices against PyPI
powerindex on random small games, in process."""

import csv
import random
from fractions import Fraction

import pytest

import govkit
from conftest import shared


def uni_amounts():
    with open(shared("uniswap-airdrop/uni_airdrop_claims.csv"), newline="") as f:
        return [int(r["amount_wei"]) for r in csv.DictReader(f)]


def test_uni_airdrop_nakamoto_and_exact_gini():
    amounts = uni_amounts()
    n, total = len(amounts), sum(amounts)
    assert n == 252_803
    # Nakamoto (> 1/2): the fewest largest holders with more than half.
    acc, k = 0, 0
    for a in sorted(amounts, reverse=True):
        acc += a
        k += 1
        if 2 * acc > total:
            break
    assert k == 65_304
    # Gini, population form: 2·Σ i·x_i / (n·S) − (n+1)/n, x ascending, i from 1.
    weighted = sum(i * x for i, x in enumerate(sorted(amounts), start=1))
    gini = Fraction(2 * weighted, n * total) - Fraction(n + 1, n)

    r = govkit.control(shared("uniswap-airdrop/uni_airdrop_claims.csv"), indices="none")
    assert r.nakamoto_coefficient() == 65_304
    assert r.gini == gini  # exact equality of two Fractions
    assert r.total.units == total
    assert r.holders == n
    assert isinstance(r.entropy_bits, float)  # the library's float, as documented
    # Lorenz points: exact shares of the poorest holders.
    asc = sorted(amounts)
    for p in r.lorenz:
        assert p.power.units == sum(asc[: p.holders])
        assert p.share == Fraction(sum(asc[: p.holders]), total)
    df = r.to_pandas()
    assert list(df["holders"]) == [p.holders for p in r.lorenz]


def test_uni_gini_matches_numpy():
    np = pytest.importorskip("numpy")
    x = np.sort(np.array([a / 1e18 for a in uni_amounts()]))
    n = len(x)
    g = 2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n
    r = govkit.control(shared("uniswap-airdrop/uni_airdrop_claims.csv"), indices="none")
    assert abs(float(r.gini) - g) < 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_exact_indices_match_powerindex(seed):
    powerindex = pytest.importorskip("powerindex")
    rng = random.Random(seed)
    players = rng.randint(3, 12)
    weights = [rng.randint(1, 30) for _ in range(players)]
    total = sum(weights)
    # Two quotas: more than half, and at least two thirds.
    for comparison, quota in ((">1/2", total // 2 + 1), (">=2/3", -(-2 * total // 3))):
        game = powerindex.Game(quota, weights=weights)
        game.calc()  # handles a player at or above the quota (a dictator)
        holders = {f"0x{i + 1:040x}": w for i, w in enumerate(weights)}
        r = govkit.control(holders, decimals=0, indices="exact", quota=comparison,
                           players=players)
        assert r.indices_mode == "exact"
        assert len(r.power_indices) == players
        by_holder = {p.holder: p for p in r.power_indices}
        for i, w in enumerate(weights):
            p = by_holder[f"0x{i + 1:040x}"]
            assert p.weight.units == w
            assert isinstance(p.banzhaf_normalized, Fraction)
            assert abs(float(p.banzhaf_normalized) - game.banzhaf[i]) < 1e-12, (seed, i)
            assert abs(float(p.shapley_shubik) - game.shapley_shubik[i]) < 1e-12, (seed, i)
        assert sum(p.shapley_shubik for p in r.power_indices) == 1
        assert sum(p.banzhaf_normalized for p in r.power_indices) == 1


def test_control_of_a_proposal_reports_its_decisive_sets():
    from conftest import REPO

    r = govkit.control(proposal=REPO / "proposals" / "compound-43.toml", indices="none")
    assert r.proposal["outcome"] == "passed"
    # For - Against in base units, recomputed by test_evaluate's reading.
    from test_evaluate import sums, vote_rows

    s = sums(vote_rows())
    assert r.proposal["margin"].units == s["For"] - s["Against"]
    assert r.proposal["margin"] == Fraction(s["For"] - s["Against"], 10**18)
    assert r.nakamoto_coefficient(">1/2") == r.nakamoto_coefficient("> 50%")


def test_control_of_holders_in_a_dataframe():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"address": ["0xa", "0xb", "0xc", "0xd"], "balance": ["1", "2", "3", "4.5"]})
    r = govkit.control(df, indices="exact", players=4)
    # Sorted descending 4.5, 3, 2, 1 of 10.5: 4.5 + 3 = 7.5 > 5.25.
    assert r.nakamoto_coefficient() == 2
    assert r.total.decimal == Fraction(21, 2)
    assert r.top_shares[0].share == Fraction(9, 21)
