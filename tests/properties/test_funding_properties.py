"""
Hypothesis properties of the catalogue's funding function (spec/funding.md, FUND-1, FUND-2;
spec/catalogue.md, CAT-1).

Each property calls the function the state machine uses and checks it against exact
``Fraction`` arithmetic, monotonicity, sign symmetry or a plain transliteration of the Go
code; many also evaluate the same inputs through ``catalogue.evaluate_request`` and check
that the encoded output decodes to the same value (CAT-3).  The strategies and oracles are
in helpers/properties.py; 200 examples each under the ``ci`` hypothesis profile.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given

from helpers.catalogue import catalogue_output
from helpers.numbers import FLOOR
from helpers.properties import BIG, NON_NEGATIVE, PROPERTY, assert_rounds, sign
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.rounding import ONE_MILLION


@PROPERTY
@given(BIG, BIG, BIG)
def test_funding_long_and_short_sum_to_zero(perp_index, position_index, quantums):
    """FUND-1: a long and an equal short settle to zero in ppm, and both take the perpetual's index."""
    long_settlement, long_index = funding_settlement_ppm(perp_index, position_index, quantums)
    short_settlement, short_index = funding_settlement_ppm(perp_index, position_index, -quantums)
    assert long_settlement + short_settlement == 0
    assert long_index == short_index == perp_index
    assert catalogue_output(
        "funding_settlement_ppm",
        perpetual_funding_index=perp_index,
        position_funding_index=position_index,
        position_quantums=quantums,
    ) == {"net_settlement_ppm": long_settlement, "new_funding_index": perp_index}


@PROPERTY
@given(BIG, BIG, NON_NEGATIVE)
def test_funding_long_pays_when_the_index_rises(perp_index, position_index, quantums):
    """FUND-1: the sign of a long's settlement is minus the sign of the index change."""
    settlement, _ = funding_settlement_ppm(perp_index, position_index, quantums)
    assert sign(settlement) == -sign(perp_index - position_index) * sign(quantums)


@PROPERTY
@given(BIG, BIG, BIG)
def test_funding_settlement_never_pays_out_more_than_it_collects(perp_index, position_index, quantums):
    """FUND-2: floor(s / 1e6); a long and an equal short settle to 0 or -1 quote quantums in total."""
    settlement, _ = funding_settlement_ppm(perp_index, position_index, quantums)
    paid = settlement_quote_quantums(settlement)
    assert_rounds(paid, Fraction(settlement, ONE_MILLION), FLOOR)
    total = paid + settlement_quote_quantums(-settlement)
    assert total == (0 if settlement % ONE_MILLION == 0 else -1)
