"""Exact values: how govkit's numbers look in Python.

Nothing here goes through ``float``: the core writes exact decimal strings
(or ``a/b`` when a decimal would not terminate) and exact fractions, and
these classes parse them with ``fractions.Fraction`` and ``decimal.Decimal``.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Optional, Union

__all__ = ["Quantity", "fraction", "maybe_fraction"]

# Enough digits for any u128 amount with up to 38 decimals, exactly.
_CTX = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_EVEN)


def _dec_text(d: Decimal, digits: int) -> str:
    q = d.quantize(Decimal(1).scaleb(-digits), context=_CTX)
    return format(q, "f")


def fraction(text: str) -> Fraction:
    """``"n/d"`` or an exact decimal string as a ``Fraction`` (exact)."""
    return Fraction(text)


def maybe_fraction(text: Optional[str]) -> Optional[Fraction]:
    return None if text is None else Fraction(text)


class Quantity:
    """An exact amount of tokens or power in a unit with ``decimals``.

    - ``value``: the amount in whole tokens (or power units), a ``Fraction``;
    - ``units``: the amount in base units (``value * 10**decimals``), an
      ``int`` (a ``Fraction`` only for a fractional score, e.g. a weighted
      ballot);
    - ``decimal``: the amount as an exact ``Decimal``, ``None`` when it has
      no terminating decimal (then ``text`` is ``"a/b"``);
    - ``text``: the library's exact text.

    Compares equal to ``int``, ``Fraction`` and ``Decimal`` of the same
    value in whole tokens, and to its exact text.
    """

    __slots__ = ("text", "decimals", "value")

    def __init__(self, text: str, decimals: int) -> None:
        self.text = text
        self.decimals = decimals
        self.value = Fraction(text)

    @classmethod
    def from_units(cls, units: Union[int, Fraction], decimals: int) -> "Quantity":
        """The quantity of ``units`` base units (exact)."""
        v = Fraction(units) / 10**decimals
        d = v.denominator
        for p in (2, 5):
            while d % p == 0:
                d //= p
        if d == 1:  # a terminating decimal: its exact text
            digits = 0
            while (v * 10**digits).denominator != 1:
                digits += 1
            text = _dec_text(_CTX.divide(Decimal(v.numerator), Decimal(v.denominator)), digits)
        else:
            text = f"{v.numerator}/{v.denominator}"
        return cls(text, decimals)

    @property
    def units(self) -> Union[int, Fraction]:
        u = self.value * 10**self.decimals
        return u.numerator if u.denominator == 1 else u

    @property
    def decimal(self) -> Optional[Decimal]:
        if "/" in self.text:
            return None
        return Decimal(self.text)

    @property
    def exact(self) -> Union[Decimal, Fraction]:
        """The amount in whole tokens: a ``Decimal`` when it terminates (the
        usual case), else a ``Fraction``; exact either way."""
        d = self.decimal
        return self.value if d is None else d

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity):
            return self.value == other.value
        if isinstance(other, str):
            return self.text == other
        if isinstance(other, Decimal):
            return self.value == Fraction(other)
        if isinstance(other, (int, Fraction)):
            return self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: "Quantity") -> bool:
        return self.value < (other.value if isinstance(other, Quantity) else other)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Quantity({self.text!r}, decimals={self.decimals})"
