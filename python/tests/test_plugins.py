"""A mechanism written in Python, registered and compared beside the
built-in ones (the counterpart of tests/plugin_mechanism.rs)."""

import pytest

import govkit

# Three small For voters (1, 2, 3 tokens) against one whale (100 tokens):
# token-weighted For 6, Against 100, rejected; one address one vote:
# For 3, Against 1, passed.
VOTES = [
    {"voter": "0xa", "choice": "For", "weight": "1"},
    {"voter": "0xb", "choice": "For", "weight": "2"},
    {"voter": "0xc", "choice": "For", "weight": "3"},
    {"voter": "0xd", "choice": "Against", "weight": "100"},
]

calls = []


@govkit.mechanism("py-one-address-one-vote", power_decimals=0)
def one_each(weights):
    """power 1 per voting address with tokens"""
    calls.append(list(weights))
    return [1 if w > 0 else 0 for w in weights]


def test_python_mechanism_evaluates_and_compares():
    assert "py-one-address-one-vote" in govkit.mechanisms()
    r = govkit.evaluate(votes=VOTES, mechanism="py-one-address-one-vote")
    assert r.mechanism == "py-one-address-one-vote"
    assert [c.power.units for c in r.choices] == [3, 1, 0]
    assert r.outcome == "passed"
    # It received the token weights in base units, in vote order.
    assert calls[-1] == [10**18, 2 * 10**18, 3 * 10**18, 100 * 10**18]

    c = govkit.compare(votes=VOTES, mechanisms=["token-weighted", "py-one-address-one-vote",
                                                "py-one-address-one-vote-capped:1"])
    outcomes = [(row.label, row.outcome) for row in c.rows]
    assert outcomes == [
        ("token-weighted", "rejected"),
        ("py-one-address-one-vote", "passed"),
        ("py-one-address-one-vote-capped:1", "passed"),
    ]
    assert c.row("py-one-address-one-vote").differs_from_first


def test_registering_a_name_twice_is_refused():
    with pytest.raises(govkit.GovkitError, match="already registered"):
        govkit.register_mechanism("py-one-address-one-vote", lambda w: w)
    with pytest.raises(govkit.GovkitError, match="already registered"):
        govkit.register_mechanism("quadratic", lambda w: w)


def test_a_failing_python_mechanism_is_an_error_not_a_crash():
    def broken(weights):
        raise RuntimeError("boom")

    govkit.register_mechanism("py-broken", broken)
    with pytest.raises(govkit.GovkitError, match="boom"):
        govkit.evaluate(votes=VOTES, mechanism="py-broken")

    govkit.register_mechanism("py-short", lambda w: w[:1])
    with pytest.raises(govkit.GovkitError, match="returned 1 powers for 4 votes"):
        govkit.evaluate(votes=VOTES, mechanism="py-short")

    govkit.register_mechanism("py-negative", lambda w: [-1 for _ in w])
    with pytest.raises(govkit.GovkitError, match="non-negative"):
        govkit.evaluate(votes=VOTES, mechanism="py-negative")
