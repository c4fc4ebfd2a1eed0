"""govkit: exact DAO governance analysis, from Python.

The Rust core (``govkit._core``, built with PyO3) does the work; every
function here makes the same library call as the ``govkit`` subcommand of
the same name and returns a typed result:

- :func:`evaluate` — one proposal's outcome (a proposal file, or votes in
  memory: a pandas DataFrame, an Arrow table or a list of dicts);
- :func:`compare` — one proposal (or, with ``all=True``, every proposal of
  its vote file) under several mechanisms;
- :func:`control` — concentration (Nakamoto, Gini, HHI, Lorenz), exact power
  indices (Banzhaf, Shapley-Shubik), a proposal's decisive sets;
- :func:`delegation`, :func:`conviction`, :func:`fund`, :func:`synth`;
- :func:`register_mechanism` — a voting-power rule written in Python,
  usable in proposal files and comparisons beside the built-in ones.

Exactness: token amounts are :class:`Quantity` (``.units`` is an ``int`` of
base units, ``.decimal`` a ``decimal.Decimal``, ``.value`` a
``fractions.Fraction``), shares and indices are ``Fraction``. Floats appear
only where the library itself uses them (entropy, Theil, sampled indices,
chart curves). Errors are :class:`GovkitError` subclasses with ``path``,
``line`` and ``field``. Every call releases the GIL while the core works.
"""

from __future__ import annotations

import csv as _csv
import json as _json
import os
import re as _re
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _core
from ._errors import GovkitError, InputError, InvalidRequestError, OverflowError
from ._results import (
    BatchComparison,
    ChoiceResult,
    CompareRow,
    Comparison,
    ControlReport,
    ConvictionReport,
    DelegationAnalysis,
    FundReport,
    LorenzPoint,
    NakamotoCount,
    PowerIndex,
    QuorumResult,
    Report,
    TopShare,
    VoteCounts,
)
from ._values import Quantity

__version__ = _core.__version__

__all__ = [
    "evaluate",
    "compare",
    "control",
    "delegation",
    "conviction",
    "fund",
    "synth",
    "register_mechanism",
    "mechanism",
    "mechanisms",
    "GovkitError",
    "InputError",
    "OverflowError",
    "InvalidRequestError",
    "Quantity",
    "Report",
    "ChoiceResult",
    "QuorumResult",
    "VoteCounts",
    "Comparison",
    "CompareRow",
    "BatchComparison",
    "ControlReport",
    "NakamotoCount",
    "TopShare",
    "LorenzPoint",
    "PowerIndex",
    "DelegationAnalysis",
    "ConvictionReport",
    "FundReport",
]

PathLike = Union[str, "os.PathLike[str]"]
Amount = Union[int, str, Decimal]


def _loads(text: str) -> Any:
    # JSON numbers that are not integers are the library's floats (entropy,
    # Theil, sampled indices); exact values are strings.
    return _json.loads(text)


# ---------------------------------------------------------------------------
# In-memory inputs: written as the files the library reads, in a private
# temporary folder, so that parsing, validation and errors are exactly the
# CLI's (no second implementation). Tables are written by pandas / pyarrow
# in C, not by a per-row Python loop (except object columns of mixed
# amounts, which are normalised value by value).

_WEIGHT_NAMES = ("weight", "votes", "vp", "balance")
_BALANCE_NAMES = ("balance", "amount", "amount_wei", "tokens", "vp")


def _dec_text(d: Decimal) -> str:
    if not d.is_finite():
        raise InvalidRequestError(f"amount {d} is not a finite number")
    return format(d, "f")


def _tokens_from_units(units: int, decimals: int) -> str:
    return _dec_text(Decimal(units).scaleb(-decimals))


def _amount_text(v: Any, decimals: int, what: str) -> str:
    """An amount as exact token text: ``int`` is base units, ``str`` and
    ``Decimal`` are whole tokens; floats are refused."""
    if v is None:
        return ""
    if isinstance(v, bool):
        raise TypeError(f"{what}: {v!r} is a bool, not an amount")
    if isinstance(v, int):
        return _tokens_from_units(v, decimals)
    if isinstance(v, Decimal):
        return _dec_text(v)
    if isinstance(v, Fraction):
        scaled = v * 10**decimals
        if scaled.denominator != 1:
            raise InvalidRequestError(f"{what}: {v} is not a whole number of base units")
        return _tokens_from_units(scaled.numerator, decimals)
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        if v != v:  # NaN: a missing value (pandas)
            return ""
        raise TypeError(
            f"{what}: {v!r} is a float; amounts must be exact: pass int base units, "
            "a decimal string ('12.5') or decimal.Decimal (e.g. df[col].map(Decimal) "
            "after reading the column as text)"
        )
    raise TypeError(f"{what}: {v!r} ({type(v).__name__}) is not an amount")


def _amounts(values: Sequence[Any], decimals: int, what: str):
    """(texts, unit): all ``int`` -> base units as is; otherwise token text."""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return [str(v) for v in values], "base"
    return [_amount_text(v, decimals, what) for v in values], "token"


def _find(names: Sequence[str], wanted: Sequence[str], configured: Optional[str]) -> Optional[str]:
    if configured is not None:
        return configured if configured in names else None
    lower = {n.lower(): n for n in names}
    for w in wanted:
        if w in lower:
            return lower[w]
    return None


def _write_table(table: Any, path: Path, amount_names: Sequence[str], configured: Optional[str],
                 decimals: int, what: str) -> Optional[str]:
    """Writes a DataFrame, Arrow table or list of dicts as CSV; returns the
    unit of its amount column ("base", "token") or None without one."""
    # pyarrow Table / RecordBatch
    mod = type(table).__module__
    if mod.startswith("pyarrow"):
        import pyarrow as pa
        import pyarrow.csv as pacsv

        col = _find(table.schema.names, amount_names, configured)
        unit = None
        if col is not None:
            t = table.schema.field(col).type
            if pa.types.is_integer(t):
                unit = "base"
            elif pa.types.is_decimal(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
                unit = "token"
            elif pa.types.is_floating(t):
                raise TypeError(
                    f"{what}: column {col!r} holds floats; amounts must be exact (int base "
                    "units, decimal strings or decimal128)"
                )
            else:
                raise TypeError(f"{what}: column {col!r} has type {t}, not an amount")
        pacsv.write_csv(table, str(path))
        return unit
    if mod.startswith("pandas"):
        import pandas as pd

        df = table
        col = _find([str(c) for c in df.columns], amount_names, configured)
        unit = None
        if col is not None:
            s = df[col]
            if pd.api.types.is_bool_dtype(s):
                raise TypeError(f"{what}: column {col!r} holds booleans, not amounts")
            if pd.api.types.is_integer_dtype(s):
                unit = "base"
            elif pd.api.types.is_float_dtype(s):
                raise TypeError(
                    f"{what}: column {col!r} holds floats (dtype {s.dtype}); amounts must be "
                    "exact: int base units, decimal strings or decimal.Decimal (read the "
                    "column with dtype=str to keep its exact text)"
                )
            else:
                # Text and integer columns pass as they are (pandas infers
                # the kind in C); other object columns (Decimal, mixed) are
                # normalised value by value.
                kind = pd.api.types.infer_dtype(s, skipna=True)
                if kind == "string":
                    unit = "token"
                elif kind == "integer":
                    unit = "base"
                    df = df.assign(**{col: s.astype(str)})  # ints beyond int64 too
                else:
                    texts, unit = _amounts(s.tolist(), decimals, f"{what} column {col!r}")
                    df = df.assign(**{col: texts})
        try:
            import pyarrow as pa
            import pyarrow.csv as pacsv

            pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), str(path))
        except ImportError:
            df.to_csv(path, index=False)
        return unit
    # A list (or iterable) of dicts.
    rows = list(table)
    if not rows or not all(isinstance(r, Mapping) for r in rows):
        raise TypeError(
            f"{what}: expected a pandas DataFrame, a pyarrow Table or a non-empty list of dicts"
        )
    names: List[str] = []
    for r in rows:
        for k in r:
            if k not in names:
                names.append(k)
    col = _find(names, amount_names, configured)
    unit = None
    if col is not None:
        texts, unit = _amounts([r.get(col) for r in rows], decimals, f"{what} column {col!r}")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = _csv.writer(f)
        w.writerow(names)
        for i, r in enumerate(rows):
            w.writerow(
                [texts[i] if k == col else ("" if r.get(k) is None else r.get(k)) for k in names]
            )
    return unit


def _write_holders(holders: Any, path: Path, decimals: int) -> Optional[str]:
    if isinstance(holders, Mapping):
        items = list(holders.items())
        texts, unit = _amounts([v for _, v in items], decimals, "holders")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = _csv.writer(f)
            w.writerow(["address", "balance"])
            for (a, _), t in zip(items, texts):
                w.writerow([a, t])
        return unit
    return _write_table(holders, path, _BALANCE_NAMES, None, decimals, "holders")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _json.dumps(v)
    if isinstance(v, Decimal):
        return _json.dumps(_dec_text(v))
    if isinstance(v, Fraction):
        return _json.dumps(f"{v.numerator}/{v.denominator}")
    if isinstance(v, (os.PathLike,)):
        return _json.dumps(os.fspath(v))
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, float):
        raise TypeError(f"{v!r} is a float: write exact values as strings ('4%', '1/25', '400000')")
    raise TypeError(f"{v!r} ({type(v).__name__}) cannot be written as a proposal setting")


def _table(name: str, entries: Mapping[str, Any]) -> str:
    lines = [f"[{name}]"]
    lines += [f"{_json.dumps(str(k))} = {_toml_value(v)}" for k, v in entries.items()]
    return "\n".join(lines) + "\n"


class _Memory:
    """Where the in-memory inputs were written, to name them in errors."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = {
            str(folder / "votes.csv"): "<votes>",
            str(folder / "holders.csv"): "<holders>",
            str(folder / "proposal.toml"): "<proposal>",
        }

    def rename(self, e: GovkitError) -> GovkitError:
        msg = e.message
        for real, shown in self.names.items():
            msg = msg.replace(real, shown)
        msg = msg.replace(str(self.folder) + os.sep, "")
        path = self.names.get(e.path or "", e.path)
        line = None if path == "<proposal>" else e.line
        new = type(e)(msg, path, line, e.field)
        return new


@contextmanager
def _memory_proposal(
    votes: Any,
    holders: Any,
    rules: Optional[Mapping[str, Any]],
    mechanism: Union[str, Mapping[str, Any], None],
    choices: Optional[Sequence[str]],
    ballot: str,
    decimals: int,
    id: str,
    title: Optional[str],
    columns: Optional[Mapping[str, str]],
    delegation: Optional[Mapping[str, Any]],
    proposal_id: Optional[str] = None,
) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="govkit-") as tmp:
        folder = Path(tmp)
        memory = _Memory(folder)
        head: Dict[str, Any] = {"id": id, "ballot": ballot, "decimals": decimals}
        if title is not None:
            head["title"] = title
        if choices is not None:
            head["choices"] = list(choices)
        text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in head.items()) + "\n\n"
        vspec: Dict[str, Any] = {}
        if isinstance(votes, (str, os.PathLike)):
            vspec["path"] = os.path.abspath(os.fspath(votes))
        else:
            unit = _write_table(
                votes, folder / "votes.csv", _WEIGHT_NAMES, (columns or {}).get("weight"),
                decimals, "votes",
            )
            vspec.update(path="votes.csv", format="csv")
            if unit is not None:
                vspec["unit"] = unit
        if proposal_id is not None:
            vspec["proposal_id"] = proposal_id
        text += _table("votes", vspec)
        if columns:
            text += _table("votes.columns", columns)
        if holders is not None:
            hspec: Dict[str, Any] = {}
            if isinstance(holders, (str, os.PathLike)):
                hspec["path"] = os.path.abspath(os.fspath(holders))
            else:
                unit = _write_holders(holders, folder / "holders.csv", decimals)
                hspec.update(path="holders.csv", format="csv")
                if unit is not None:
                    hspec["unit"] = unit
            text += _table("holders", hspec)
        if rules:
            text += _table("rules", rules)
        if mechanism is not None:
            m = {"kind": mechanism} if isinstance(mechanism, str) else dict(mechanism)
            text += _table("mechanism", m)
        if delegation:
            d = dict(delegation)
            if "path" in d:
                d["path"] = os.path.abspath(os.fspath(d["path"]))
            text += _table("delegation", d)
        (folder / "proposal.toml").write_text(text, encoding="utf-8")
        try:
            yield folder / "proposal.toml"
        except GovkitError as e:
            raise memory.rename(e) from None


def _fspath(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


# ---------------------------------------------------------------------------
# The API.


def evaluate(
    path: Optional[PathLike] = None,
    *,
    proposal_id: Optional[str] = None,
    votes: Any = None,
    holders: Any = None,
    rules: Optional[Mapping[str, Any]] = None,
    mechanism: Union[str, Mapping[str, Any], None] = None,
    choices: Optional[Sequence[str]] = None,
    ballot: str = "basic",
    decimals: int = 18,
    id: str = "in-memory",
    title: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
    delegation: Optional[Mapping[str, Any]] = None,
) -> Report:
    """Evaluate one proposal: ``Proposal::load(path)?.evaluate()``.

    From a file::

        r = govkit.evaluate("proposals/compound-43.toml")
        r.outcome, r.choice("For").power.units      # 'passed', 1367841964900760752685033

    From memory (no proposal file)::

        r = govkit.evaluate(
            votes=df,                                   # voter, choice, weight[, created, ...]
            rules={"quorum": "400000", "quorum_counts": ["For"], "pass": "majority"},
            mechanism="quadratic",                      # or {"kind": "quadratic", "unit": "token"}
        )

    ``votes`` is a pandas DataFrame, a pyarrow Table, a list of dicts, or the
    path of a vote file (CSV, Snapshot JSON, governor event log; then pass
    ``proposal_id`` for a multi-proposal file). Columns as in a vote CSV:
    ``voter`` (or address, member), ``choice`` (a name or a 1-based number),
    optional ``weight`` (or votes, vp, balance), ``created``, and any
    mechanism attribute (``conviction``, ``lock_end``...); ``columns`` maps
    other names (the ``[votes.columns]`` table). Weights are exact: an integer
    column is base units, text and ``decimal.Decimal`` are whole tokens
    (``"12.5"``); floats are refused with a ``TypeError``. Without weights,
    each voter's balance in ``holders`` counts.

    ``holders`` is a dict ``{address: amount}``, a DataFrame/Arrow table with
    ``address,balance`` columns, or a file path. ``rules``, ``mechanism`` and
    ``delegation`` are the ``[rules]``, ``[mechanism]`` and ``[delegation]``
    tables of a proposal file, as dicts (values as in TOML: strings for
    amounts and shares). ``choices``, ``ballot``, ``decimals``, ``id`` and
    ``title`` are the proposal's top-level keys.

    The in-memory inputs are written as files in a private temporary folder
    and read by the same code as the CLI's, so every check and error is the
    same; errors name ``"<votes>"``/``"<holders>"`` with the CSV line (row
    ``i`` of the table is line ``i + 2``, also ``err.row``).

    Raises :class:`InputError` (with ``path``, ``line``, ``field``),
    :class:`OverflowError`, :class:`InvalidRequestError`.
    """
    if path is not None:
        if votes is not None:
            raise TypeError("give a proposal file or votes=..., not both")
        return Report._from(_loads(_core.evaluate(os.fspath(path), proposal_id)))
    if votes is None:
        raise TypeError("evaluate() needs a proposal file or votes=...")
    with _memory_proposal(votes, holders, rules, mechanism, choices, ballot, decimals, id, title,
                          columns, delegation, proposal_id) as p:
        return Report._from(_loads(_core.evaluate(str(p), None)))


def compare(
    path: Optional[PathLike] = None,
    *,
    mechanisms: Optional[Sequence[str]] = None,
    proposal_id: Optional[str] = None,
    rules: Sequence[str] = (),
    scenarios: Sequence[str] = (),
    seed: int = 1,
    all: bool = False,
    html: bool = False,
    votes: Any = None,
    holders: Any = None,
    proposal_rules: Optional[Mapping[str, Any]] = None,
    mechanism: Union[str, Mapping[str, Any], None] = None,
    choices: Optional[Sequence[str]] = None,
    ballot: str = "basic",
    decimals: int = 18,
    id: str = "in-memory",
    title: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
) -> Union[Comparison, BatchComparison]:
    """Compare mechanisms on one proposal (``govkit compare``):
    ``Variant::with_rule_variants`` then ``compare::compare_with_scenarios``.

    - ``mechanisms``: compare labels (``govkit.mechanisms()`` lists them:
      ``token-weighted``, ``quadratic``, ``quadratic-capped:1%``,
      ``delegated:liquid``..., and any registered Python mechanism); default:
      the proposal's own and the standard set. The proposal's own
      mechanism is always the first row.
    - ``rules``: rule variants as ``'LABEL = {pass = "aave-v2", ...}'``.
    - ``scenarios``: what-ifs (``sybil:K``, ``whales-abstain:N``,
      ``turnout:X``, ``cap:X``, joined with ``+``), seeded by ``seed``.
    - ``all=True``: every proposal of the proposal file's vote file
      (``batch::compare_all``), returning a :class:`BatchComparison`; a
      proposal that cannot be evaluated is listed in ``skipped`` with why.
    - ``html=True``: the self-contained HTML report in ``.html`` (and as the
      notebook display, ``_repr_html_``).

    Without ``path``, ``votes=`` and the other keywords describe the proposal
    in memory as in :func:`evaluate` (``proposal_rules`` being its
    ``[rules]`` table).

    Returns a :class:`Comparison` (``to_pandas()``: one row per mechanism,
    exact ``Fraction`` values) or a :class:`BatchComparison`.
    """
    mlist = None if mechanisms is None else list(mechanisms)

    def call(p: str, pid: Optional[str]):
        text = _core.compare(p, mlist, pid, list(rules), list(scenarios), seed, all, html)
        d = _loads(text)
        return BatchComparison._from(d) if all else Comparison._from(d)

    if path is not None:
        return call(os.fspath(path), proposal_id)
    if votes is None:
        raise TypeError("compare() needs a proposal file or votes=...")
    with _memory_proposal(votes, holders, proposal_rules, mechanism, choices, ballot, decimals,
                          id, title, columns, None, proposal_id) as p:
        return call(str(p), None)


def control(
    holders: Optional[PathLike] = None,
    *,
    proposal: Optional[PathLike] = None,
    delegations: Optional[PathLike] = None,
    policy: str = "one-hop",
    decimals: int = 18,
    unit: Optional[str] = None,
    address_column: Optional[str] = None,
    balance_column: Optional[str] = None,
    thresholds: Sequence[str] = (">1/2",),
    top: Sequence[int] = (1, 10, 100),
    lorenz_points: int = 10,
    indices: str = "auto",
    quota: str = ">1/2",
    resolution: Union[str, int] = "exact",
    players: int = 100,
    epsilon: float = 0.01,
    delta: float = 0.01,
    seed: int = 1,
    force: bool = False,
) -> ControlReport:
    """How few holders decide (``govkit control``): ``control::analyze``.

    ``holders`` is a holder snapshot (CSV ``address,balance`` or JSON path;
    ``unit`` "token"/"base", default base if the column ends in ``_wei``), or
    an in-memory dict ``{address: amount}`` / DataFrame (amounts exact as in
    :func:`evaluate`). With ``proposal`` (a proposal file) its voters'
    decisive sets are reported too. With ``delegations`` (and ``policy``:
    one-hop, transitive[:N], liquid[:N], snapshot, openzeppelin...), the
    metrics are on the power after delegation.

    Returns a :class:`ControlReport`: ``nakamoto`` per threshold (``">1/2"``,
    ``">=2/3"``), ``top_shares``, exact ``gini`` and ``hhi``
    (``Fraction``), ``entropy_bits``/``theil_t`` (floats), ``lorenz``
    points (``to_pandas()``), and power indices of the ``players`` largest
    holders for the weighted game with ``quota``: exact Banzhaf and
    Shapley-Shubik as ``Fraction`` (``indices="exact"``, weights divided by
    their gcd, or scaled to about ``resolution`` units), or Monte Carlo
    estimates within ``epsilon`` with probability ``1 - delta``
    (``indices="approx"``); ``"auto"`` picks exact when the game fits.
    """
    args = dict(
        proposal=_fspath(proposal), delegations=_fspath(delegations), policy=policy,
        decimals=decimals, unit=unit, address_column=address_column,
        balance_column=balance_column, thresholds=list(thresholds), top=list(top),
        lorenz_points=lorenz_points, indices=indices, quota=quota,
        resolution=str(resolution), players=players, epsilon=epsilon, delta=delta,
        seed=seed, force=force,
    )
    if holders is None or isinstance(holders, (str, os.PathLike)):
        return ControlReport._from(_loads(_core.control(_fspath(holders), **args)))
    with tempfile.TemporaryDirectory(prefix="govkit-") as tmp:
        memory = _Memory(Path(tmp))
        p = Path(tmp) / "holders.csv"
        hunit = _write_holders(holders, p, decimals)
        args["unit"] = unit or hunit
        try:
            return ControlReport._from(_loads(_core.control(str(p), **args)))
        except GovkitError as e:
            raise memory.rename(e) from None


def delegation(
    holders: PathLike,
    delegations: PathLike,
    *,
    policy: str = "one-hop",
    undelegated: Optional[str] = None,
    reject_self_delegation: bool = False,
    require_holders: bool = False,
    decimals: int = 18,
    source_format: Optional[str] = None,
    scope: Optional[str] = None,
    until_block: Optional[int] = None,
    until_time: Optional[str] = None,
    top: int = 10,
    address_column: Optional[str] = None,
    balance_column: Optional[str] = None,
) -> DelegationAnalysis:
    """Where delegated power ends up (``govkit delegation``):
    ``io::delegations::analyze``.

    ``holders`` and ``delegations`` are files (a delegation CSV, a governor
    event log's DelegateChanged events, or a Decentraland ``members.csv``,
    which is both). ``policy``: one-hop, transitive[:N], liquid[:N],
    snapshot, openzeppelin, polkadot...; ``undelegated``: "count" or
    "ignore"; ``source_format`` forces the delegation format; ``scope`` a
    Snapshot space; ``until_block``/``until_time`` a cutoff.

    Returns a :class:`DelegationAnalysis` (the JSON of ``--format json`` in
    ``.data``; ``to_pandas()`` lists the top delegates).
    """
    text = _core.delegation(
        os.fspath(holders), os.fspath(delegations), policy=policy, undelegated=undelegated,
        reject_self_delegation=reject_self_delegation, require_holders=require_holders,
        decimals=decimals, source_format=source_format, scope=scope, until_block=until_block,
        until_time=until_time, top=top, address_column=address_column,
        balance_column=balance_column,
    )
    return DelegationAnalysis(_loads(text))


def conviction(
    path: PathLike,
    *,
    until: Optional[int] = None,
    series: Optional[PathLike] = None,
    step: Optional[int] = None,
) -> ConvictionReport:
    """A 1Hive conviction funding simulation or an OpenGov referendum
    (``govkit conviction FILE.toml``): ``io::conviction_files::run``.
    ``series`` writes the per-block CSV there (every ``step`` blocks)."""
    return ConvictionReport(_loads(_core.conviction(os.fspath(path), until, _fspath(series), step)))


def fund(path: PathLike, *, html: bool = False) -> FundReport:
    """A quadratic funding round under each matching rule (``govkit fund
    ROUND.toml``): ``io::contributions::run``. Payouts are whole base units
    summing exactly to the pool. ``html=True`` also returns the report page."""
    text, page = _core.fund(os.fspath(path), html)
    return FundReport(_loads(text), page)


def synth(
    out: PathLike,
    holders: int,
    *,
    distribution: str = "pareto:1.16",
    delegation_rate: float = 0.0,
    turnout: float = 0.2,
    choices: Sequence[float] = (60.0, 30.0, 10.0),
    decimals: int = 18,
    seed: int = 1,
    locks: Optional[str] = None,
    force: bool = False,
) -> Dict[str, int]:
    """A seeded synthetic DAO written to ``out`` (``govkit synth``):
    holders, delegations, votes and a proposal file. Returns the counts.
    The model parameters are floats, as in the library (they shape random
    draws; the amounts written are exact integers)."""
    f, a, b = choices
    return dict(
        _core.synth(
            os.fspath(out), holders, distribution=distribution, delegation_rate=delegation_rate,
            turnout=turnout, choices=(float(f), float(a), float(b)), decimals=decimals,
            seed=seed, locks=locks, force=force,
        )
    )


def register_mechanism(
    name: str,
    func: Callable[[List[int]], Sequence[int]],
    *,
    power_decimals: Optional[int] = None,
    summary: Optional[str] = None,
) -> None:
    """Register a voting-power rule written in Python under ``name``.

    ``func(weights)`` receives the electorate's token weights (a list of
    ``int`` base units, one per counted vote, in vote order, after
    delegation) and returns one ``int`` power per vote (non-negative, below
    2**128). ``power_decimals`` is the power unit's decimals for display
    (default: the token's). The name can then be used as a proposal's
    ``[mechanism] kind``, in ``evaluate(mechanism=name)`` and as a
    ``compare`` label beside the built-in mechanisms; caps
    (``NAME-capped:1%``) and delegation stages compose with it as with any
    mechanism.

    Cost: one GIL-holding Python call per evaluated electorate (per proposal
    and variant), with the weights converted to a Python list and the powers
    back (0.18 µs per vote measured on 1,000,000 votes), plus the function's
    own time; the rest of the pipeline runs in Rust without the GIL. Names are process-wide and cannot be registered
    twice.
    """
    _core.register_mechanism(name, func, power_decimals, summary)


def mechanism(name: str, *, power_decimals: Optional[int] = None, summary: Optional[str] = None):
    """Decorator form of :func:`register_mechanism`::

        @govkit.mechanism("one-address-one-vote", power_decimals=0)
        def one_each(weights):
            return [1 if w > 0 else 0 for w in weights]
    """

    def register(func: Callable[[List[int]], Sequence[int]]):
        register_mechanism(name, func, power_decimals=power_decimals, summary=summary or func.__doc__)
        return func

    return register


def mechanisms() -> List[str]:
    """The compare labels known (built-in and registered)."""
    return list(_core.mechanism_labels())
