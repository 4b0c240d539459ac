"""
Margin: the risk of one perpetual position and of a whole subaccount (spec/margin.md).

Net collateral (NC), initial margin requirement (IMR) and maintenance margin
requirement (MMR) are signed integers in quote quantums.  Margin requirements
round up (in the protocol's favour); notional values truncate toward zero.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from perpspec.rounding import ONE_MILLION, both, either, floor_div, is_concrete, mul_ppm_ceil, mul_ppm_floor, select
from perpspec.units import QUOTE_ATOMIC_RESOLUTION, base_to_quote_quantums


class Risk(NamedTuple):
    """Net collateral and margin requirements of a position or a subaccount (MARGIN-5)."""

    nc: int
    imr: int
    mmr: int


def adjusted_initial_margin_ppm(
    initial_margin_ppm: Any,
    open_interest_lower_cap: Any,
    open_interest_upper_cap: Any,
    open_interest_notional: Any,
) -> Any:
    """
    The initial margin fraction scaled by open interest (MARGIN-1).

    - upper cap 0 (scaling off) or OI at or below the lower cap: the tier's IMF;
    - OI at or above the upper cap: 1_000_000 (100%);
    - between the caps: imf + floor((1e6 - imf) * (oi - lower) / (upper - lower)).
    """
    if is_concrete(initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional):
        if open_interest_upper_cap == 0 or open_interest_notional <= open_interest_lower_cap:
            return initial_margin_ppm
        if open_interest_notional >= open_interest_upper_cap:
            return ONE_MILLION
        return _scaled_margin_ppm(
            initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
        )
    return select(
        either(open_interest_upper_cap == 0, open_interest_notional <= open_interest_lower_cap),
        initial_margin_ppm,
        select(
            open_interest_notional >= open_interest_upper_cap,
            ONE_MILLION,
            _scaled_margin_ppm(
                initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
            ),
        ),
    )


def _scaled_margin_ppm(imf: Any, lower: Any, upper: Any, oi: Any) -> Any:
    return imf + floor_div((ONE_MILLION - imf) * (oi - lower), upper - lower)


def initial_margin_quote_quantums(
    notional_quote_quantums: Any,
    initial_margin_ppm: Any,
    open_interest_lower_cap: Any,
    open_interest_upper_cap: Any,
    open_interest_notional: Any,
) -> Any:
    """Initial margin of a notional: ceil(notional * adjusted_imf / 1e6) (MARGIN-2)."""
    imf = adjusted_initial_margin_ppm(
        initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
    )
    return mul_ppm_ceil(notional_quote_quantums, imf)


def maintenance_margin_ppm(initial_margin_ppm: Any, maintenance_fraction_ppm: Any) -> Any:
    """The maintenance margin fraction: floor(imf * mf / 1e6) (MARGIN-3)."""
    return mul_ppm_floor(initial_margin_ppm, maintenance_fraction_ppm)


def position_net_notional_quote_quantums(
    position_quantums: Any, atomic_resolution: int, price_value: Any, price_exponent: int
) -> Any:
    """The signed value of a position at the oracle price, truncated toward zero (MARGIN-4)."""
    return base_to_quote_quantums(position_quantums, atomic_resolution, price_value, price_exponent)


def perpetual_margin_requirements(
    position_quantums: Any,
    atomic_resolution: int,
    price_value: Any,
    price_exponent: int,
    initial_margin_ppm: Any,
    maintenance_fraction_ppm: Any,
    open_interest_base_quantums: Any,
    open_interest_lower_cap: Any,
    open_interest_upper_cap: Any,
) -> tuple[Any, Any]:
    """
    (IMR, MMR) of one position, in quote quantums (MARGIN-2, MARGIN-3).

    notional = base_to_quote(|q|); IMR = ceil(notional * adjusted_imf / 1e6) with the
    open interest converted at the same price; MMR = ceil(base_IMR * mf / 1e6), where
    base_IMR = ceil(notional * imf / 1e6) is the unscaled initial margin.
    """
    absolute_quantums = select(position_quantums >= 0, position_quantums, -position_quantums)
    notional = base_to_quote_quantums(absolute_quantums, atomic_resolution, price_value, price_exponent)
    open_interest_notional = base_to_quote_quantums(
        open_interest_base_quantums, atomic_resolution, price_value, price_exponent
    )
    base_imr = mul_ppm_ceil(notional, initial_margin_ppm)
    mmr = mul_ppm_ceil(base_imr, maintenance_fraction_ppm)
    imr = initial_margin_quote_quantums(
        notional, initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
    )
    return imr, mmr


def position_risk_of_integers(
    position_quantums: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    initial_margin_ppm: int,
    maintenance_fraction_ppm: int,
    open_interest_base_quantums: int,
    open_interest_lower_cap: int,
    open_interest_upper_cap: int,
) -> tuple[int, int, int]:
    """
    (NC, IMR, MMR) of one position, for Python integers only: the fast path of the collateral check.

    The same formulas as ``position_net_notional_quote_quantums`` and
    ``perpetual_margin_requirements`` (MARGIN-1..4, UNITS-4), with each rounding written
    with ``//`` on integers instead of going through ``perpspec.rounding``'s helpers, which
    also accept z3 terms and pay for that check on every call.  Truncation toward zero is
    floor of the absolute value with the sign put back; ceil(x / d) is -floor(-x / d).
    Z3 proves it equal to the general functions for every integer input at the exponents its
    proof lists (``perpspec.verify.z3.margin``), and tests/properties/test_fast_path_margin.py
    tests it on drawn inputs, boundaries of the open-interest caps included.
    """
    exponent = price_exponent + atomic_resolution - QUOTE_ATOMIC_RESOLUTION  # compute_quote_exponent (UNITS-4)
    value = position_quantums * price_value
    absolute_value = -value if value < 0 else value
    open_interest_value = open_interest_base_quantums * price_value
    if exponent >= 0:
        scale = 10**exponent
        net_collateral = value * scale
        notional = absolute_value * scale
        open_interest_notional = open_interest_value * scale
    else:
        divisor = 10**-exponent
        notional = absolute_value // divisor
        net_collateral = notional if value >= 0 else -notional
        open_interest_notional = (
            open_interest_value // divisor if open_interest_value >= 0 else -(-open_interest_value // divisor)
        )
    if price_value < 0:
        notional = -notional  # notional = trunc(|q| * price * 10^e); |q| * price = -|q * price| here
    base_imr = -((-notional * initial_margin_ppm) // ONE_MILLION)
    mmr = -((-base_imr * maintenance_fraction_ppm) // ONE_MILLION)
    if open_interest_upper_cap == 0 or open_interest_notional <= open_interest_lower_cap:
        return net_collateral, base_imr, mmr
    if open_interest_notional >= open_interest_upper_cap:
        adjusted_ppm = ONE_MILLION
    else:
        adjusted_ppm = initial_margin_ppm + (
            (ONE_MILLION - initial_margin_ppm) * (open_interest_notional - open_interest_lower_cap)
        ) // (open_interest_upper_cap - open_interest_lower_cap)
    return net_collateral, -((-notional * adjusted_ppm) // ONE_MILLION), mmr


def is_initially_collateralized(risk: Risk) -> bool:
    """NC >= IMR (MARGIN-6)."""
    return risk.nc >= risk.imr


def is_maintenance_collateralized(risk: Risk) -> bool:
    """NC >= MMR (MARGIN-6)."""
    return risk.nc >= risk.mmr


def is_liquidatable(net_collateral: Any, maintenance_margin_requirement: Any) -> Any:
    """MMR > 0 and NC < MMR: an account with no margin requirement is never liquidatable (MARGIN-6)."""
    return both(maintenance_margin_requirement > 0, net_collateral < maintenance_margin_requirement)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def risk_compare(first_nc: int, first_mmr: int, second_nc: int, second_mmr: int) -> int:
    """
    1 if the first account is riskier than the second, 0 if equally risky, -1 if safer (MARGIN-7).

    Riskier means a lower NC/MMR ratio, compared by cross-multiplication:
    sign(NC2 * MMR1 - NC1 * MMR2).  Ties: when both MMRs are 0, less NC is riskier;
    otherwise the larger MMR is riskier.
    """
    primary = _sign(second_nc * first_mmr - first_nc * second_mmr)
    if primary != 0:
        return primary
    if first_mmr == 0 and second_mmr == 0:
        return _sign(second_nc - first_nc)
    return _sign(first_mmr - second_mmr)
