"""govkit's exceptions. The native core raises these (never a crash)."""

from __future__ import annotations

import builtins
from typing import Optional

__all__ = ["GovkitError", "InputError", "OverflowError", "InvalidRequestError"]


class GovkitError(Exception):
    """Base class of every govkit error.

    Attributes (``None`` where the error is not about one place):

    - ``message``: the text, as the CLI prints it after ``govkit: error:``;
    - ``path``: the file (for in-memory votes: ``"<votes>"`` or ``"<holders>"``);
    - ``line``: the 1-based line of the file (for in-memory votes, row ``i``
      of the table is line ``i + 2``: line 1 is the header); also ``row``;
    - ``field``: the column or key holding the bad value.
    """

    def __init__(
        self,
        message: str,
        path: Optional[str] = None,
        line: Optional[int] = None,
        field: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    @property
    def row(self) -> Optional[int]:
        """0-based row of an in-memory table (``line - 2``), else ``None``."""
        if self.line is None or self.path not in ("<votes>", "<holders>"):
            return None
        return self.line - 2

    def __reduce__(self):  # picklable (multiprocessing)
        return (type(self), (self.message, self.path, self.line, self.field))


class InputError(GovkitError, ValueError):
    """A value in an input file or table is malformed or not allowed, or a
    file cannot be read: ``path``, ``line`` and ``field`` say where."""


class OverflowError(GovkitError, builtins.OverflowError):  # noqa: A001
    """An exact computation would leave the range of ``u128`` (the crate
    never wraps); ``path``/``line`` name the operands' origin when known."""


class InvalidRequestError(GovkitError, ValueError):
    """The request itself is inconsistent (an unknown mechanism label, a
    bad option), no file involved."""
