"""Typed results: what govkit's functions return.

Each class is built from the core's JSON (exact decimal strings and exact
``"n/d"`` fractions); ``to_dict()`` gives that JSON back as Python data
(strings for exact numbers, as ``govkit ... --format json`` prints them),
``to_pandas()`` a table where one fits. Amounts are :class:`Quantity`
(``.units`` an ``int`` of base units, ``.decimal`` a ``Decimal``, ``.value`` a
``Fraction``), shares ``Fraction``; floats only where the library uses them
(entropy, Theil, sampled power indices, chart curves).
"""

from __future__ import annotations

import copy
import html as _html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, List, Optional, Tuple, Union

from ._values import Quantity, maybe_fraction

__all__ = [
    "ChoiceResult",
    "QuorumResult",
    "VoteCounts",
    "Report",
    "CompareRow",
    "Comparison",
    "BatchComparison",
    "NakamotoCount",
    "TopShare",
    "LorenzPoint",
    "PowerIndex",
    "ControlReport",
    "DelegationAnalysis",
    "ConvictionReport",
    "FundReport",
]


def _pandas():
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install pandas") from e
    return pd


def _q(text: Optional[str], decimals: int) -> Optional[Quantity]:
    return None if text is None else Quantity(text, decimals)


@dataclass(frozen=True)
class ChoiceResult:
    """One choice: its exact ``power`` and its exact ``share`` of the valid power."""

    name: str
    power: Quantity
    share: Fraction

    @classmethod
    def _from(cls, d: Dict[str, Any], decimals: int) -> "ChoiceResult":
        return cls(d["name"], Quantity(d["power"], decimals), Fraction(d["share_exact"]))


@dataclass(frozen=True)
class QuorumResult:
    """Quorum state, in tokens (quorums count turnout, whatever the mechanism)."""

    set: bool
    required: Quantity
    counted: Quantity
    reached: bool
    counts: List[str]
    strict: bool = False


@dataclass(frozen=True)
class VoteCounts:
    """What happened to the votes."""

    read: int
    counted: int
    invalid: int
    replaced: int
    invalid_reasons: Dict[str, int]


@dataclass
class Report:
    """The result of evaluating one proposal (``govkit evaluate``)."""

    id: str
    title: Optional[str]
    mechanism: str
    ballot: str
    power_decimals: int
    choices: List[ChoiceResult]
    counted_power: Quantity
    cast_power: Quantity
    quorum: QuorumResult
    outcome: str
    reason: str
    winner: Optional[str]
    votes: VoteCounts
    notes: List[str]
    mechanism_details: List[str]
    official_outcome: Optional[str]
    early_execution: Optional[bool]
    _raw: Dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Report":
        pd_ = d["power_decimals"]
        q = d["quorum"]
        td = q["decimals"]
        return cls(
            id=d["id"],
            title=d.get("title"),
            mechanism=d["mechanism"],
            ballot=d["ballot"],
            power_decimals=pd_,
            choices=[ChoiceResult._from(c, pd_) for c in d["choices"]],
            counted_power=Quantity(d["counted_power"], pd_),
            cast_power=Quantity(d["cast_power"], pd_),
            quorum=QuorumResult(
                set=q["set"],
                required=Quantity(q["required"], td),
                counted=Quantity(q["counted"], td),
                reached=q["reached"],
                counts=list(q["counts"]),
                strict=q.get("strict", False),
            ),
            outcome=d["outcome"],
            reason=d["reason"],
            winner=d.get("winner"),
            votes=VoteCounts(**d["votes"]),
            notes=list(d["notes"]),
            mechanism_details=list(d["mechanism_details"]),
            official_outcome=d.get("official_outcome"),
            early_execution=d.get("early_execution"),
            _raw=d,
        )

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def choice(self, name: str) -> ChoiceResult:
        """The result of the choice called ``name``."""
        for c in self.choices:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> Dict[str, Any]:
        """The report as ``govkit evaluate --format json`` writes it (exact
        strings), plus ``share_exact`` per choice."""
        return copy.deepcopy(self._raw)

    def to_pandas(self):
        """Per-choice table: name, power (exact text), power_units (int),
        share (Fraction)."""
        pd = _pandas()
        return pd.DataFrame(
            {
                "choice": [c.name for c in self.choices],
                "power": pd.Series([c.power.exact for c in self.choices], dtype=object),
                "power_units": pd.Series([c.power.units for c in self.choices], dtype=object),
                "share": pd.Series([c.share for c in self.choices], dtype=object),
            }
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{_html.escape(c.name)}</td><td>{c.power.text}</td>"
            f"<td>{float(c.share) * 100:.2f}%</td></tr>"
            for c in self.choices
        )
        return (
            f"<div><b>{_html.escape(self.id)}</b> {_html.escape(self.title or '')}<br>"
            f"{_html.escape(self.mechanism)}: <b>{self.outcome}</b> ({_html.escape(self.reason)})"
            f"<table><tr><th>choice</th><th>power</th><th>share</th></tr>{rows}</table></div>"
        )


@dataclass
class CompareRow:
    """One mechanism's result in a comparison."""

    label: str
    mechanism: str
    power_decimals: int
    choices: List[ChoiceResult]
    quorum_reached: bool
    outcome: str
    winner: Optional[str]
    margin: Optional[Quantity]
    deciders: Optional[int]
    majority_voters: Optional[int]
    nakamoto: Optional[int]
    gini: Optional[Fraction]
    differs_from_first: bool
    notes: List[str]
    lorenz: List[Tuple[float, float]]

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "CompareRow":
        pd_ = d["power_decimals"]
        return cls(
            label=d["label"],
            mechanism=d["mechanism"],
            power_decimals=pd_,
            choices=[ChoiceResult._from(c, pd_) for c in d["choices"]],
            quorum_reached=d["quorum_reached"],
            outcome=d["outcome"],
            winner=d.get("winner"),
            margin=_q(d.get("margin"), pd_),
            deciders=d.get("deciders"),
            majority_voters=d.get("majority_voters"),
            nakamoto=d.get("nakamoto"),
            gini=maybe_fraction(d.get("gini_exact")),
            differs_from_first=d["differs_from_first"],
            notes=list(d["notes"]),
            lorenz=[(float(x), float(y)) for x, y in d.get("lorenz", [])],
        )


_ROW_COLUMNS = [
    "label",
    "mechanism",
    "outcome",
    "winner",
    "quorum_reached",
    "margin",
    "deciders",
    "majority_voters",
    "nakamoto",
    "gini",
    "differs_from_first",
]


def _row_record(r: CompareRow) -> Dict[str, Any]:
    rec: Dict[str, Any] = {
        "label": r.label,
        "mechanism": r.mechanism,
        "outcome": r.outcome,
        "winner": r.winner,
        "quorum_reached": r.quorum_reached,
        "margin": None if r.margin is None else r.margin.exact,
        "deciders": r.deciders,
        "majority_voters": r.majority_voters,
        "nakamoto": r.nakamoto,
        "gini": r.gini,
        "differs_from_first": r.differs_from_first,
    }
    for c in r.choices:
        rec[f"power:{c.name}"] = c.power.exact
        rec[f"share:{c.name}"] = c.share
    return rec


@dataclass
class Comparison:
    """One proposal under several mechanisms (``govkit compare``)."""

    id: str
    title: Optional[str]
    ballot: str
    official_outcome: Optional[str]
    rows: List[CompareRow]
    flips: List[str]
    scenarios: List[Dict[str, Any]]
    holders_lorenz: List[Tuple[str, List[Tuple[float, float]]]]
    html: Optional[str] = field(default=None, repr=False)
    _raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Comparison":
        return cls(
            id=d["id"],
            title=d.get("title"),
            ballot=d["ballot"],
            official_outcome=d.get("official_outcome"),
            rows=[CompareRow._from(r) for r in d["rows"]],
            flips=list(d["flips"]),
            scenarios=list(d.get("scenarios", [])),
            holders_lorenz=[
                (name, [(float(x), float(y)) for x, y in pts])
                for name, pts in d.get("holders_lorenz", [])
            ],
            html=d.get("html"),
            _raw={k: v for k, v in d.items() if k != "html"},
        )

    def row(self, label: str) -> CompareRow:
        """The row of the variant ``label``."""
        for r in self.rows:
            if r.label == label:
                return r
        raise KeyError(label)

    def to_dict(self) -> Dict[str, Any]:
        """As ``govkit compare --format json`` writes it, plus exact shares,
        ``gini_exact`` and the Lorenz points per row."""
        return copy.deepcopy(self._raw)

    def to_pandas(self):
        """One row per mechanism; exact numbers as ``Fraction`` (object
        columns: ``margin``, ``gini``, ``power:CHOICE``, ``share:CHOICE``)."""
        pd = _pandas()
        return pd.DataFrame([_row_record(r) for r in self.rows])

    def _repr_html_(self) -> str:
        if self.html is not None:
            return self.html
        return self.to_pandas()._repr_html_()


@dataclass
class BatchComparison:
    """Every proposal of a vote source compared (``govkit compare --all``)."""

    source: str
    summary: Dict[str, Any]
    proposals: List[Comparison]
    skipped: List[Dict[str, str]]
    _raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "BatchComparison":
        return cls(
            source=d["source"],
            summary=d["summary"],
            proposals=[Comparison._from(p) for p in d["proposals"]],
            skipped=list(d["skipped"]),
            _raw=d,
        )

    def to_dict(self) -> Dict[str, Any]:
        return copy.deepcopy(self._raw)

    def to_pandas(self):
        """One row per (proposal, mechanism): ``proposal``, ``title``,
        ``official_outcome`` and the columns of :meth:`Comparison.to_pandas`."""
        pd = _pandas()
        records = []
        for p in self.proposals:
            for r in p.rows:
                rec = {"proposal": p.id, "title": p.title, "official_outcome": p.official_outcome}
                rec.update(_row_record(r))
                records.append(rec)
        return pd.DataFrame(records)


@dataclass(frozen=True)
class NakamotoCount:
    """The least number of holders meeting ``comparison`` (e.g. ``> 1/2``)."""

    comparison: str
    threshold: Fraction
    strict: bool
    holders: Optional[int]


@dataclass(frozen=True)
class TopShare:
    k: int
    power: Quantity
    share: Optional[Fraction]


@dataclass(frozen=True)
class LorenzPoint:
    """The poorest ``holders`` (a ``population`` share) hold ``share`` of the power."""

    holders: int
    population: Fraction
    power: Quantity
    share: Fraction


@dataclass(frozen=True)
class PowerIndex:
    """One player's power indices: exact ``Fraction`` when counted exactly,
    ``float`` (with ``error``, the bound) when sampled."""

    holder: str
    weight: Quantity
    banzhaf: Union[Fraction, float]
    banzhaf_normalized: Optional[Fraction]
    shapley_shubik: Union[Fraction, float]
    error: Optional[float]


@dataclass
class ControlReport:
    """How few holders decide (``govkit control``)."""

    source: str
    holders: int
    zero_balances: int
    decimals: int
    total: Quantity
    nakamoto: List[NakamotoCount]
    top_shares: List[TopShare]
    gini: Optional[Fraction]
    hhi: Optional[Fraction]
    effective_holders: Optional[Fraction]
    entropy_bits: Optional[float]
    theil_t: Optional[float]
    lorenz: List[LorenzPoint]
    power_indices: List[PowerIndex]
    indices_mode: Optional[str]
    before_delegation: Optional[Dict[str, Any]]
    proposal: Optional[Dict[str, Any]]
    _raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "ControlReport":
        dec = d["decimals"]
        gini = d.get("gini")
        hhi = d.get("hhi")
        indices: List[PowerIndex] = []
        mode = None
        if d.get("power_indices"):
            mode = d["power_indices"]["mode"]
            bz, ss = d["banzhaf"], d["shapley_shubik"]
            exact = "shapley_shubik_exact" in d
            for i, (b, s) in enumerate(zip(bz, ss)):
                if "banzhaf_absolute_exact" in d:
                    # Banzhaf counted exactly; Shapley-Shubik exact too, or
                    # in the mixed mode estimated (its error the only one).
                    indices.append(
                        PowerIndex(
                            holder=b["holder"],
                            weight=Quantity(b["weight"], dec),
                            banzhaf=Fraction(d["banzhaf_absolute_exact"][i]),
                            banzhaf_normalized=Fraction(d["banzhaf_normalized_exact"][i]),
                            shapley_shubik=(
                                Fraction(d["shapley_shubik_exact"][i]) if exact else float(s["index"])
                            ),
                            error=None if exact else float(s["error"]),
                        )
                    )
                else:
                    indices.append(
                        PowerIndex(
                            holder=b["holder"],
                            weight=Quantity(b["weight"], dec),
                            banzhaf=float(b["index"]),
                            banzhaf_normalized=None,
                            shapley_shubik=float(s["index"]),
                            error=max(float(b["error"]), float(s["error"])),
                        )
                    )
        proposal = None
        if d.get("proposal") is not None:
            proposal = dict(d["proposal"])
            for k in ("min_majority_voters", "min_flip_voters", "min_passing_voters"):
                proposal[k] = d.get(k)
            margin = maybe_fraction(d.get("margin_exact"))
            proposal["margin"] = (
                None if margin is None else Quantity.from_units(margin, d["proposal_decimals"])
            )
        return cls(
            source=d["source"],
            holders=d["holders"],
            zero_balances=d["zero_balances"],
            decimals=dec,
            total=Quantity(d["total"], dec),
            nakamoto=[
                NakamotoCount(
                    n["comparison"], Fraction(n["threshold_exact"]), n["strict"], n["k"]
                )
                for n in d["nakamoto"]
            ],
            top_shares=[
                TopShare(t["k"], Quantity(t["power"], dec), maybe_fraction(t.get("exact")))
                for t in d["top_shares"]
            ],
            gini=None if gini is None else Fraction(gini["exact"]),
            hhi=None if hhi is None else Fraction(hhi["exact"]),
            effective_holders=None if hhi is None else Fraction(hhi["effective_holders_exact"]),
            entropy_bits=d.get("entropy_bits"),
            theil_t=d.get("theil_t"),
            lorenz=[
                LorenzPoint(
                    p["holders"],
                    Fraction(p["population_exact"]),
                    Quantity(p["power"], dec),
                    Fraction(p["share_exact"] or 0),
                )
                for p in d["lorenz"]
            ],
            power_indices=indices,
            indices_mode=mode,
            before_delegation=d.get("before_delegation"),
            proposal=proposal,
            _raw=d,
        )

    def nakamoto_coefficient(self, threshold: str = ">1/2") -> Optional[int]:
        """The Nakamoto coefficient for a threshold written as in
        ``control(thresholds=...)``: ``">1/2"`` (more than, the default),
        ``">=2/3"`` (at least), ``"50%"``. ``KeyError`` if it was not asked for."""
        t = threshold.replace(" ", "")
        strict = not t.startswith(">=")
        body = t[2:] if t.startswith(">=") else t.lstrip(">")
        share = Fraction(body[:-1]) / 100 if body.endswith("%") else Fraction(body)
        for n in self.nakamoto:
            if n.threshold == share and n.strict == strict:
                return n.holders
        raise KeyError(threshold)

    def to_dict(self) -> Dict[str, Any]:
        """As ``govkit control --format json`` writes it, plus exact
        fractions (``*_exact``) where that rounds."""
        return copy.deepcopy(self._raw)

    def to_pandas(self):
        """The Lorenz points: holders, population, power (Fraction, whole
        tokens), power_units (int), share (Fraction)."""
        pd = _pandas()
        return pd.DataFrame(
            {
                "holders": [p.holders for p in self.lorenz],
                "population": pd.Series([p.population for p in self.lorenz], dtype=object),
                "power": pd.Series([p.power.exact for p in self.lorenz], dtype=object),
                "power_units": pd.Series([p.power.units for p in self.lorenz], dtype=object),
                "share": pd.Series([p.share for p in self.lorenz], dtype=object),
            }
        )

    def indices_to_pandas(self):
        """The power indices, one row per listed holder."""
        pd = _pandas()
        return pd.DataFrame(
            {
                "holder": [p.holder for p in self.power_indices],
                "weight_units": pd.Series(
                    [p.weight.units for p in self.power_indices], dtype=object
                ),
                "banzhaf": pd.Series([p.banzhaf for p in self.power_indices], dtype=object),
                "banzhaf_normalized": pd.Series(
                    [p.banzhaf_normalized for p in self.power_indices], dtype=object
                ),
                "shapley_shubik": pd.Series(
                    [p.shapley_shubik for p in self.power_indices], dtype=object
                ),
            }
        )


class _JsonResult:
    """A result kept as the library's JSON (exact strings)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def to_dict(self) -> Dict[str, Any]:
        return copy.deepcopy(self.data)

    def __repr__(self) -> str:
        keys = ", ".join(list(self.data)[:8])
        return f"{type(self).__name__}({keys}, ...)"


class DelegationAnalysis(_JsonResult):
    """Where delegated power ends up (``govkit delegation``): ``data`` is the
    library's JSON; :meth:`to_pandas` lists the delegates."""

    def delegate_powers(self) -> Dict[str, Quantity]:
        """Each listed delegate's final power, exact."""
        dec = self.data.get("decimals", 18)
        return {
            d["address"]: Quantity(d["power"], dec) for d in self.data.get("delegates", [])
        }

    def to_pandas(self):
        pd = _pandas()
        return pd.DataFrame(self.data.get("delegates", []))


class ConvictionReport(_JsonResult):
    """A conviction funding simulation or an OpenGov referendum
    (``govkit conviction``): ``data`` is the library's JSON."""

    def to_pandas(self):
        pd = _pandas()
        return pd.DataFrame(self.data.get("proposals", []))


class FundReport(_JsonResult):
    """A quadratic funding round (``govkit fund``): ``data`` is the
    library's JSON; ``html`` the report page when asked for."""

    def __init__(self, data: Dict[str, Any], html: Optional[str] = None) -> None:
        super().__init__(data)
        self.html = html

    def to_pandas(self):
        """One row per (rule, project): raw and matching as ``Fraction``,
        payout as ``int`` (whole base units when ``decimals`` is 0; else
        the exact token text as ``Decimal``)."""
        pd = _pandas()
        from decimal import Decimal

        records = []
        for rule in self.data.get("rules", []):
            for p in rule.get("projects", []):
                records.append(
                    {
                        "rule": rule["rule"],
                        "project": p["project"],
                        "raw": Fraction(p["raw"]),
                        "matching": Fraction(p["matching"]),
                        "payout": Decimal(p["payout"]),
                        "capped": p.get("capped"),
                    }
                )
        return pd.DataFrame(records)

    def _repr_html_(self) -> Optional[str]:
        return self.html
