"""
Scenarios of oracle price updates (spec/prices.md, PRICE-2..8), and of orders on a market
that has no oracle price yet (PRICE-7).
"""

from __future__ import annotations

from collections.abc import Iterable

from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    BUY,
    CONDITIONAL,
    ETH,
    IOC,
    LONG_TERM,
    OK,
    POST_ONLY,
    SOL,
    TAKE_PROFIT,
    Scenario,
    funded,
    make_genesis,
    market_price_json,
    order,
    place,
    update_prices,
)
from perpspec.units import UINT64_MAX


def price_updates() -> Scenario:
    s = Scenario(
        "price-updates",
        "Oracle updates: stale and future sources dropped, too few sources, too small a change, one wrong source of three, even-length medians, multi-market atomicity and every price error.",
        ["PRICE-2", "PRICE-3", "PRICE-4", "PRICE-5", "PRICE-6", "PRICE-8", "ROUND-9", "TX-2"],
        ["ORACLE-1", "ATOM-1"],
        make_genesis(),
    )
    t = s.time

    def prices(description: str, message: dict, outcomes: list[str], rules: Iterable[str] = ()) -> None:
        events = s.step(description, message, OK, rules)
        assert [e["outcome"] for e in events] == outcomes, (description, events)

    btc = 2_868_819_524  # min change floor(btc * 1000 / 1e6) = 2_868_819
    prices(
        "three fresh sources: the median 2910000000 replaces the price",
        update_prices(AUTHORITY, [(BTC, [("a", 2_950_000_000, t), ("b", 2_900_000_000, t), ("c", 2_910_000_000, t)])]),
        ["UPDATED"],
    )
    btc = 2_910_000_000  # min change 2_910_000
    prices(
        "a source 31 s old is dropped: two fresh of three needed",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t), ("b", 3_000_000_000, t - 30), ("c", 3_000_000_000, t - 31)])]
        ),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    prices(
        "a source from the future is dropped too",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t), ("b", 3_000_000_000, t), ("c", 3_000_000_000, t + 1)])]
        ),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    prices(
        "exactly 30 s old still counts: updated",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t - 30), ("b", 3_000_000_000, t), ("c", 3_000_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-2"],
    )
    btc = 3_000_000_000  # min change 3_000_000
    prices(
        "two sources are insufficient",
        update_prices(AUTHORITY, [(BTC, [("a", 2_000_000_000, t), ("b", 2_000_000_000, t)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-3"],
    )
    prices("no sources at all", update_prices(AUTHORITY, [(BTC, [])]), ["INSUFFICIENT_SOURCES"], ["PRICE-3"])
    prices(
        "a move of min change - 1 is too small",
        update_prices(
            AUTHORITY, [(BTC, [("a", btc + 2_999_999, t), ("b", btc + 2_999_999, t), ("c", btc + 2_999_999, t)])]
        ),
        ["PRICE_CHANGE_TOO_SMALL"],
        ["PRICE-5"],
    )
    prices(
        "a downward move of exactly the min change is enough",
        update_prices(
            AUTHORITY, [(BTC, [("a", btc - 3_000_000, t), ("b", btc - 3_000_000, t), ("c", btc - 3_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-5"],
    )
    btc -= 3_000_000
    prices(
        "one wrong source of three (uint64 max) cannot move the median outside the honest range",
        update_prices(
            AUTHORITY,
            [(BTC, [("honest-1", 2_800_000_000, t), ("wrong", UINT64_MAX, t), ("honest-2", 2_810_000_000, t)])],
        ),
        ["UPDATED"],
        ["PRICE-8"],
    )
    prices(
        "one wrong source of three (1) likewise",
        update_prices(
            AUTHORITY, [(BTC, [("honest-1", 2_900_000_000, t), ("wrong", 1, t), ("honest-2", 2_890_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-8"],
    )
    prices(
        "four sources: the mean of the middle two, 2850000000.5, rounds half away from zero",
        update_prices(
            AUTHORITY,
            [
                (
                    BTC,
                    [
                        ("a", 2_800_000_000, t),
                        ("b", 2_850_000_000, t),
                        ("c", 2_850_000_001, t),
                        ("d", 2_900_000_000, t),
                    ],
                )
            ],
        ),
        ["UPDATED"],
        ["PRICE-4", "ROUND-9"],
    )
    eth = [("a", 1_900_000_000, t), ("b", 1_900_000_000, t), ("c", 1_900_000_000, t)]
    sol = [("a", 2_350_695_126, t), ("b", 2_350_695_126, t), ("c", 2_350_695_126, t)]
    prices(
        "three markets in one update, each with its own outcome",
        update_prices(AUTHORITY, [(ETH, eth), (SOL, sol), (BTC, [("a", 1, t)])]),
        ["UPDATED", "PRICE_CHANGE_TOO_SMALL", "INSUFFICIENT_SOURCES"],
        ["PRICE-6"],
    )
    good = [("a", 2_950_000_000, t), ("b", 2_960_000_000, t), ("c", 2_970_000_000, t)]
    s.step(
        "an unknown market after a valid one: nothing is written",
        update_prices(AUTHORITY, [(BTC, good), (2, good)]),
        errors.UnknownMarket.code,
    )
    s.step(
        "a market named twice",
        update_prices(AUTHORITY, [(BTC, good), (ETH, eth), (BTC, good)]),
        errors.DuplicateMarketUpdate.code,
    )
    s.step(
        "a source named twice",
        update_prices(AUTHORITY, [(ETH, eth), (BTC, good + [("a", 2_950_000_000, t)])]),
        errors.DuplicateSource.code,
    )
    s.step(
        "a zero source price",
        update_prices(AUTHORITY, [(ETH, eth), (BTC, good[:2] + [("z", 0, t)])]),
        errors.InvalidPrice.code,
    )
    s.step(
        "a source price beyond uint64",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", UINT64_MAX + 1, t)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    s.step(
        "a negative timestamp",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", 2_950_000_000, -1)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    s.step(
        "an empty source name",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("", 2_950_000_000, t)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    prices("an update of no markets is accepted and reports nothing", update_prices(AUTHORITY, []), [])
    prices(
        "a source stamped at unix time 0 is well-formed, and stale",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", 2_950_000_000, 0)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "TX-5"],
    )
    prices("the well-formed update after the errors", update_prices(AUTHORITY, [(BTC, good)]), ["UPDATED"])
    s.step("a later block: sources stamped at the old block time are now 40 s old", s.next_block(40), OK)
    prices(
        "all three stale: insufficient",
        update_prices(AUTHORITY, [(BTC, [("a", 1_000_000_000, t), ("b", 1_000_000_000, t), ("c", 1_000_000_000, t)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    return s


def order_without_oracle_price() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    market_price_json(genesis, SOL)["price"] = "0"
    s = Scenario(
        "order-without-oracle-price",
        "An order on a pair whose market has no oracle price yet is refused whatever would follow: an IOC order on an empty book (which would neither fill nor rest), a post-only order, a long-term order and a conditional order (which would only wait).",
        ["PRICE-7", "ORDER-3", "TX-2"],
        ["ATOM-1"],
        genesis,
    )
    h, t = s.height, s.time
    sol = 2_000_000_000  # $20 on SOL-USD, a multiple of its tick
    E = errors
    s.step(
        "an IOC buy on SOL-USD's empty book",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, gtb=h + 5, tif=IOC)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a post-only buy",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, gtb=h + 5, tif=POST_ONLY)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a long-term buy",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, flags=LONG_TERM, gtbt=t + 60)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a take-profit buy, which would wait for its trigger",
        place(
            BOB,
            order(
                BOB,
                1,
                BUY,
                1_000_000,
                sol,
                clob=SOL,
                flags=CONDITIONAL,
                gtbt=t + 60,
                condition=TAKE_PROFIT,
                trigger=sol,
            ),
        ),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    return s


def proposed_prices() -> Scenario:
    """
    Proposed prices against the index price, the median of the sources (PRICE-9..11): BTC at
    2868819524 with 1000 ppm, so one tick is 2868819.524.
    """
    s = Scenario(
        "proposed-prices",
        "A price proposed with the sources is accepted toward the index, or across it within one tick or the square-root bound; a proposal that moves away, crosses too far, moves too little or has no index is rejected and changes nothing.",
        ["PRICE-9", "PRICE-10", "PRICE-11", "PRICE-5", "TX-2"],
        ["ORACLE-2", "ATOM-1"],
        make_genesis(),
    )
    t = s.time

    def at(index: int, proposed: int, sources: int = 3) -> dict:
        return update_prices(AUTHORITY, [(BTC, [(f"s{i}", index, t) for i in range(sources)])], {BTC: proposed})

    old = 2_868_819_524
    s.step("index 3e9, proposed 2.95e9: toward the index, accepted", at(3_000_000_000, 2_950_000_000), OK)
    old = 2_950_000_000  # tick 2950000 (tick_size_ppm 2.95e12)
    # index 3.05e9: old delta 1e8 (33.9 ticks); sqrt bound: new_delta^2 * 1e6 <= 1e8 * 2.95e12 -> new_delta <= 17175564
    s.step(
        "index 3.05e9, proposed 3.0671e9: crosses by 17100000, within the square-root bound 17175564, accepted",
        at(3_050_000_000, 3_067_100_000),
        OK,
    )
    old = 3_067_100_000
    s.step(
        "index 3e9, proposed 2.98e9: crosses by 2e7, beyond the bound isqrt(67100000 * 3067100) = 14345815: rejected",
        at(3_000_000_000, 2_980_000_000),
        errors.ProposedPriceNotAccurate.code,
    )
    s.step(
        "index 3.1e9, proposed 3.0e9: away from the index, rejected",
        at(3_100_000_000, 3_000_000_000),
        errors.ProposedPriceNotAccurate.code,
    )
    s.step(
        "index 3.1e9, proposed 3.0681e9: a move of 1000000, below the minimum change 3067100: rejected",
        at(3_100_000_000, 3_068_100_000),
        errors.ProposedPriceChangeTooSmall.code,
    )
    s.step(
        "two sources only: no index price to check against, rejected",
        at(3_100_000_000, 3_090_000_000, sources=2),
        errors.IndexPriceNotAvailable.code,
    )
    # index 3069100000: old delta 2000000 <= one tick (3067100), so the proposal may land at most 2000000 past it
    s.step(
        "within one tick of the index, proposed 2000000 past it (a move of 4000000 >= 3067100): accepted",
        at(3_069_100_000, 3_071_100_000),
        OK,
    )
    old = 3_071_100_000
    s.step(
        "within one tick (old delta 3000000 <= 3071100), proposed 3000001 past the index 3068100000: farther than the old price, rejected",
        at(3_068_100_000, 3_065_099_999),
        errors.ProposedPriceNotAccurate.code,
    )
    assert s.state.prices.market_prices[BTC].price == old
    return s
