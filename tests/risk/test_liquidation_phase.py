"""
The liquidation phase (spec/liquidations.md, LIQ-11..LIQ-13; spec/blocks.md, BLOCK-3).

Hand-worked on the default genesis's BTC-USD market (tests/helpers/ledger.py): the oracle is
moved to 28_300 USD, so one BTC long is worth 28_300_000_000 quote quantums, with
IMR = ceil(28.3e9 * 2%) = 566_000_000 and MMR = ceil(566_000_000 * 60%) = 339_600_000.
Subticks of BTC-USD are the price value (quantum conversion exponent -9), one tick 100_000.
"""

from __future__ import annotations

from helpers.clob import BUY, of_type, ok, place, set_price
from helpers.ledger import make_state, next_block, position, sid, usdc
from perpspec.conformance.builders import ALICE, BOB, BTC, CAROL, ONE_BTC, make_genesis, subaccount_entry
from perpspec.liquidations import get_risk_candidates, select_liquidation_attempts
from perpspec.state import State

PRICE = 2_830_000_000  # 28_300 USD in BTC's price exponent -5, equal to its subticks


def crashed_state(alice_usdc: int, bob_usdc: int = 40_000_000_000, insurance_fund: int = 0) -> State:
    """ALICE long 1 BTC with ``alice_usdc``, BOB short 1 BTC, CAROL funded; the price then falls to 28_300."""
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, alice_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, bob_usdc, [(BTC, -ONE_BTC)]),
            subaccount_entry(CAROL, 0, 40_000_000_000, []),
        ],
        insuranceFund=str(insurance_fund),
    )
    state = make_state(genesis)
    ok(state, set_price(state, BTC, PRICE))
    return state


def test_liq_13_liquidation_pays_the_capped_fee_to_the_fund():
    """
    LIQ-11, LIQ-13: NC = 28.3e9 - 28e9 = 300_000_000 < MMR 339_600_000, so ALICE is liquidatable.
    ABR = 1 - 300/339.6; fillable = (28.3e9 - ABR * 10% * 339.6e6) / 1e10 = 2_829_603_960 subticks,
    rounded up for a sell to a tick: 2_829_700_000.  CAROL's bid at 2_829_800_000 crosses; the fill's
    quote is 28_298_000_000; the bankruptcy quote is 28.3e9 - floor(300e6 * 339.6e6 / 339.6e6) = 28e9,
    so the delta 298_000_000 is capped at floor(28_298_000_000 * 0.5%) = 141_490_000.
    """
    state = crashed_state(-28_000_000_000)
    ok(state, place(CAROL, 1, BUY, ONE_BTC, 2_829_800_000, gtb=30))
    events = ok(state, next_block(state))
    (order,) = of_type(events, "LiquidationOrder")
    assert (order["isBuy"], order["quantums"], order["subticks"]) == (False, str(ONE_BTC), "2829700000")
    (fill,) = of_type(events, "LiquidationFill")
    assert (fill["quoteQuantums"], fill["insuranceFundDelta"]) == ("28298000000", "141490000")
    assert usdc(state, ALICE) == -28_000_000_000 + 28_298_000_000 - 141_490_000
    assert position(state, ALICE) == 0
    assert state.bank.insurance_fund == 141_490_000
    assert position(state, CAROL) == ONE_BTC


def test_liq_13_fund_covers_the_shortfall_below_the_bankruptcy_price():
    """
    LIQ-9, LIQ-13: NC = 20_000_000 (r = 20/339.6 < 1/11), so the fillable price
    (28.3e9 - (1 - r) * 10% * 339.6e6) / 1e10 = 2_826_804_000, a sell rounded up: 2_826_900_000, lies
    below the bankruptcy price 28_280_000_000 / 1e10.  A fill at CAROL's 2_827_000_000 (quote
    28_270_000_000) costs the fund 10_000_000.
    """
    state = crashed_state(-28_280_000_000, insurance_fund=50_000_000)
    ok(state, place(CAROL, 1, BUY, ONE_BTC, 2_827_000_000, gtb=30))
    events = ok(state, next_block(state))
    (fill,) = of_type(events, "LiquidationFill")
    assert fill["insuranceFundDelta"] == "-10000000"
    assert state.bank.insurance_fund == 40_000_000
    assert usdc(state, ALICE) == 0  # exactly the bankruptcy quote: 28_270_000_000 + 10_000_000 - 28_280_000_000


def test_ins_1_an_empty_fund_stops_the_fill():
    """INS-1, LIQ-13: the same fill with the fund at 0 is not made; TNC > 0, so there is no deleveraging (DEL-1)."""
    state = crashed_state(-28_280_000_000, insurance_fund=0)
    ok(state, place(CAROL, 1, BUY, ONE_BTC, 2_827_000_000, gtb=30))
    events = ok(state, next_block(state))
    assert len(of_type(events, "LiquidationOrder")) == 1
    assert of_type(events, "LiquidationFill") == [] and of_type(events, "DeleveragingFill") == []
    assert position(state, ALICE) == ONE_BTC and state.bank.insurance_fund == 0


def test_liq_11_a_healthy_account_is_not_liquidated_and_not_looked_at_again():
    """LIQ-11: ALICE at NC 688_195_240 >= MMR before the move; with no write and no move, no one is looked at."""
    state = crashed_state(-27_000_000_000)  # NC = 1.3e9 > MMR even after the move
    events = ok(state, next_block(state))
    assert of_type(events, "LiquidationOrder") == []
    assert get_risk_candidates(state) == []  # nothing written, no mark moved since the phase


def test_liq_11_a_price_move_puts_every_holder_back_in_view():
    """LIQ-11: a move of the BTC oracle makes BTC's holders candidates again, and only them."""
    state = crashed_state(-27_000_000_000)
    ok(state, next_block(state))
    ok(state, set_price(state, BTC, PRICE - 100_000_000))
    assert get_risk_candidates(state) == sorted([sid(ALICE), sid(BOB)])


def test_del_2_negative_tnc_is_deleveraged_at_the_bankruptcy_price():
    """
    DEL-1..DEL-4: TNC = 28.3e9 - 28.4e9 = -100_000_000 and no bid: the liquidation fills nothing, and
    ALICE's long is offset against BOB's short at the bankruptcy quote 28.3e9 + 100_000_000.
    """
    state = crashed_state(-28_400_000_000)
    events = ok(state, next_block(state))
    (fill,) = of_type(events, "DeleveragingFill")
    assert (fill["isBuy"], fill["fillQuantums"], fill["quoteQuantums"]) == (False, str(ONE_BTC), "28400000000")
    assert (usdc(state, ALICE), position(state, ALICE)) == (0, 0)
    assert (usdc(state, BOB), position(state, BOB)) == (40_000_000_000 - 28_400_000_000, 0)
    assert state.perpetuals.perpetuals[BTC].open_interest == 0
    assert of_type(events, "NegativeTncSubaccountSeen") == []  # ALICE's TNC is 0 after it


def test_del_5_an_offset_that_would_sink_the_counterparty_is_refused_and_gates_withdrawals():
    """
    DEL-2, DEL-5: BOB holds only 28_390_000_000, so buying back at 28.4e9 would leave him at -10_000_000
    with no margin requirement: SUB-8 refuses it.  ALICE stays at TNC -100_000_000; withdrawals are gated.
    """
    state = crashed_state(-28_400_000_000, bob_usdc=28_390_000_000)
    events = ok(state, next_block(state))
    assert of_type(events, "DeleveragingFill") == []
    (seen,) = of_type(events, "NegativeTncSubaccountSeen")
    assert seen["height"] == state.blocks.height
    assert state.subaccounts.negative_tnc_subaccount_seen_at_block == state.blocks.height


def test_liq_12_orders_sorted_by_distance_from_oracle():
    """
    LIQ-12: two liquidatable longs; BOB's subaccount 1 (NC 100_000_000) is further under water than
    ALICE (NC 300_000_000), so his fillable price lies further from the oracle: his order is matched
    first and takes the one bid.
    """
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -28_000_000_000, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 1, -28_200_000_000, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, 80_000_000_000, [(BTC, -2 * ONE_BTC)]),
            subaccount_entry(CAROL, 0, 40_000_000_000, []),
        ]
    )
    state = make_state(genesis)
    ok(state, place(CAROL, 1, BUY, ONE_BTC, 2_829_900_000, gtb=30))
    ok(state, set_price(state, BTC, PRICE))
    events = ok(state, next_block(state))
    orders = of_type(events, "LiquidationOrder")
    assert [o["subaccountId"]["number"] for o in orders] == [1, 0]  # BOB's subaccount 1, then ALICE
    assert int(orders[0]["subticks"]) < int(orders[1]["subticks"])  # further below the oracle
    (fill,) = of_type(events, "LiquidationFill")
    assert fill["liquidated"]["number"] == 1 and position(state, BOB, number=1) == 0
    assert position(state, ALICE) == ONE_BTC


def test_liq_12_attempts_turn_with_the_block_height():
    """
    LIQ-12: of 120 liquidatable subaccounts, block h tries the 50 from index 50h mod 120 on, wrapping;
    over 12 blocks every one is tried 5 times (12 x 50 = 5 x 120).
    """
    ids = [sid(f"owner{i:03d}") for i in range(120)]
    assert select_liquidation_attempts(ids, 1) == ids[50:100]
    assert select_liquidation_attempts(ids, 2) == ids[100:] + ids[:30]
    tried = [i for height in range(12) for i in select_liquidation_attempts(ids, height)]
    assert all(tried.count(i) == 5 for i in ids)
    assert select_liquidation_attempts(ids[:7], 3) == ids[:7]  # fewer than 50: all, in id order
