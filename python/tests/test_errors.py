"""Errors are Python exceptions with the location the crate reports
(Error::location()): path, line, field; overflow is OverflowError; the
interpreter never crashes; the GIL is released during long calls."""

import builtins
import threading
import time

import pytest

import govkit
from conftest import shared

PROPOSAL = """id = "bad"
[votes]
path = "votes.csv"
format = "csv"
"""


def test_bad_value_in_a_vote_file_names_path_line_and_field(tmp_path):
    (tmp_path / "votes.csv").write_text("voter,choice,weight\n0xa,For,1\n0xb,Against,12x\n")
    (tmp_path / "p.toml").write_text(PROPOSAL)
    with pytest.raises(govkit.InputError) as e:
        govkit.evaluate(tmp_path / "p.toml")
    err = e.value
    assert err.path == str(tmp_path / "votes.csv")
    assert err.line == 3
    assert err.field == "weight"
    assert '"12x"' in str(err) and "line 3" in str(err)
    assert isinstance(err, govkit.GovkitError) and isinstance(err, ValueError)


def test_bad_key_in_a_proposal_file_names_its_line(tmp_path):
    (tmp_path / "votes.csv").write_text("voter,choice,weight\n0xa,For,1\n")
    (tmp_path / "p.toml").write_text(PROPOSAL + '\n[rules]\npass = "majority"\nquorom = "4%"\n')
    with pytest.raises(govkit.InputError) as e:
        govkit.evaluate(tmp_path / "p.toml")
    assert e.value.path == str(tmp_path / "p.toml")
    assert e.value.line == 8
    assert e.value.field == "rules.quorom"


def test_missing_file(tmp_path):
    with pytest.raises(govkit.InputError) as e:
        govkit.evaluate(tmp_path / "nope.toml")
    assert e.value.path == str(tmp_path / "nope.toml")
    assert e.value.line is None


def test_in_memory_errors_name_the_row():
    votes = [{"voter": "0xa", "choice": "For", "weight": "1"},
             {"voter": "0xb", "choice": "Maybe", "weight": "2"}]
    with pytest.raises(govkit.InputError) as e:
        govkit.evaluate(votes=votes)
    assert (e.value.path, e.value.line, e.value.row, e.value.field) == ("<votes>", 3, 1, "choice")
    assert "<votes> line 3" in str(e.value)
    assert "govkit-" not in str(e.value)  # the temporary folder is not shown


def test_overflow_is_an_overflow_error():
    big = 2**127
    votes = [{"voter": "0xa", "choice": "For", "weight": big},
             {"voter": "0xb", "choice": "For", "weight": big}]
    with pytest.raises(govkit.OverflowError) as e:
        govkit.evaluate(votes=votes)
    assert isinstance(e.value, builtins.OverflowError)
    assert e.value.path == "<votes>"


def test_unknown_mechanism_label_is_an_invalid_request():
    from conftest import REPO

    with pytest.raises(govkit.GovkitError, match="unknown mechanism"):
        govkit.compare(REPO / "proposals" / "compound-43.toml", mechanisms=["no-such"])


def test_long_calls_release_the_gil():
    path = shared("uniswap-airdrop/uni_airdrop_claims.csv")
    span = {}

    def work():
        span["start"] = time.perf_counter()
        # Long enough to tell (the metrics alone take well under 0.1 s
        # since the holder file is read on every core): Monte Carlo power
        # indices with 12,000-odd draws over 252,803 holders, about 0.3 s.
        govkit.control(path, epsilon=0.02)
        span["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    assert span["end"] - span["start"] > 0.1, "the call is too short to tell"
    inside = [x for x in ticks if span["start"] + 0.05 < x < span["end"] - 0.02]
    assert inside, "the main thread did not run while the core worked"
