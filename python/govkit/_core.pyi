"""Type stubs of the native core (``govkit._core``). Use the ``govkit``
package: these functions return the library's JSON text, which the package
turns into typed results."""

from typing import Callable, Dict, List, Optional, Sequence, Tuple

__version__: str

def evaluate(path: str, proposal_id: Optional[str] = None) -> str: ...
def compare(
    path: str,
    mechanisms: Optional[List[str]] = None,
    proposal_id: Optional[str] = None,
    rules: List[str] = ...,
    scenarios: List[str] = ...,
    seed: int = 1,
    all: bool = False,
    html: bool = False,
) -> str: ...
def control(
    holders: Optional[str] = None,
    *,
    proposal: Optional[str] = None,
    delegations: Optional[str] = None,
    policy: str = "one-hop",
    decimals: int = 18,
    unit: Optional[str] = None,
    address_column: Optional[str] = None,
    balance_column: Optional[str] = None,
    thresholds: List[str] = ...,
    top: List[int] = ...,
    lorenz_points: int = 10,
    indices: str = "auto",
    quota: str = ">1/2",
    resolution: str = "exact",
    players: int = 100,
    epsilon: float = 0.01,
    delta: float = 0.01,
    seed: int = 1,
    force: bool = False,
) -> str: ...
def delegation(
    holders: str,
    delegations: str,
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
) -> str: ...
def conviction(
    path: str, until: Optional[int] = None, series: Optional[str] = None, step: Optional[int] = None
) -> str: ...
def fund(path: str, html: bool = False) -> Tuple[str, Optional[str]]: ...
def synth(
    out: str,
    holders: int,
    *,
    distribution: str = "pareto:1.16",
    delegation_rate: float = 0.0,
    turnout: float = 0.2,
    choices: Tuple[float, float, float] = (60.0, 30.0, 10.0),
    decimals: int = 18,
    seed: int = 1,
    locks: Optional[str] = None,
    force: bool = False,
) -> Dict[str, int]: ...
def register_mechanism(
    name: str,
    func: Callable[[List[int]], Sequence[int]],
    power_decimals: Optional[int] = None,
    summary: Optional[str] = None,
) -> None: ...
def mechanism_labels() -> List[str]: ...
