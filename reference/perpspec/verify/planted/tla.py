"""
Planted bugs that TLC trace validation must catch (CLAIM-3; the harness is ``perpspec.verify.planted``).

Each bug is planted in the reference itself, never in a model: the command records what the
changed reference does and TLC must reject that trace.  The conformance-vector runs use
``--no-reproduce``, so the vectors' committed verdicts and state hashes are not compared
(that comparison is the conformance method's, and would catch every one of these first):
only the model judges.  Contracts are off (``PERPSPEC_CONTRACTS=0``), so no runtime contract
stops the run before TLC sees it; a run that crashes or cannot build its trace exits 2,
which the harness does not count as a catch.
"""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug

CONTRACTS_OFF = (("PERPSPEC_CONTRACTS", "0"),)

FILLS = ("-m", "perpspec.verify.scenario_traces", "--no-reproduce", "--only", "order")
"""LedgerFullTrace, fill by fill: the 34 conformance vectors with orders (and the corrupted fill)."""

LEDGER = ("-m", "perpspec.verify.scenario_traces", "--no-reproduce", "--only", "ledger vectors")
"""LedgerFullTrace: the conformance vectors without orders."""

RANDOM = ("-m", "perpspec.verify.traces")
"""LedgerTrace: seeded random runs against Ledger.tla (they never read the vectors)."""

BOOK = ("-m", "perpspec.verify.book_model", "--traces")
"""BookTrace: a seeded random order flow against Book.tla."""

LIQUIDATION = ("-m", "perpspec.verify.liquidation_model", "--traces")
"""LiquidationTrace: seeded random ledger runs, deleveraging fills included, against Liquidation.tla."""


def bug(
    id: str, claims: tuple[str, ...], path: str, old: str, new: str, command: tuple[str, ...], what: str
) -> PlantedBug:
    return PlantedBug(
        id=id,
        method="tla",
        claims=claims,
        path=path,
        old=old,
        new=new,
        command=command,
        description=what,
        timeout_seconds=180,
        env=CONTRACTS_OFF,
    )


BUGS: list[PlantedBug] = [
    bug(
        "fill-fee-one-quantum-more",
        ("CONS-1", "SOLV-2"),
        "clob/fees.py",
        "    return -(-(fill_quote_quantums * fee_ppm) // ONE_MILLION)",
        "    return -(-(fill_quote_quantums * fee_ppm) // ONE_MILLION) + 1",
        FILLS,
        "every fee is one quantum more than ceil(quote * ppm / 1e6) (FEE-2); value is still conserved",
    ),
    bug(
        "fill-buying-maker-pays-one-less",
        ("CONS-1",),
        "clob/fills.py",
        "return fill_quote_quantums - taker_fee, -fill_quote_quantums - maker_fee, taker_fee, maker_fee",
        "return fill_quote_quantums - taker_fee, -fill_quote_quantums - maker_fee + 1, taker_fee, maker_fee",
        FILLS,
        "when the taker sells, the buying maker pays one quantum less than quote + fee (FEE-3, INV-1)",
    ),
    bug(
        "fill-at-taker-price",
        ("CONS-1", "SOLV-2"),
        "clob/fills.py",
        "    quote = compute_fill_quote_quantums(maker.subticks, fill, pair.quantum_conversion_exponent)",
        "    quote = compute_fill_quote_quantums(taker.subticks, fill, pair.quantum_conversion_exponent)",
        FILLS,
        "a fill's quote is priced at the taker's limit, not the maker's price (MATCH-2)",
    ),
    bug(
        "open-interest-never-falls",
        ("POS-1",),
        "subaccounts.py",
        "            deltas[perpetual_id] = deltas.get(perpetual_id, 0) + new_long - old_long",
        "            deltas[perpetual_id] = deltas.get(perpetual_id, 0) + max(new_long - old_long, 0)",
        FILLS,
        "a position change that shrinks a long leaves open interest where it was (SUB-6, INV-4)",
    ),
    bug(
        "match-margin-at-pre-trade-open-interest",
        ("SOLV-2",),
        "subaccounts.py",
        "        if update_type is _MATCH",
        "        if update_type is None",
        FILLS,
        "a fill's collateral check scales IMR by the open interest before the trade, not after it (SUB-6, MARGIN-1)",
    ),
    bug(
        "transfer-credits-one-more",
        ("CONS-1",),
        "sending.py",
        "Update(message.recipient, usdc_delta=message.amount),",
        "Update(message.recipient, usdc_delta=message.amount + 1),",
        RANDOM,
        "a transfer credits its recipient one quantum more than it debits (SUB-13, INV-1)",
    ),
    bug(
        "withdrawal-skips-collateral-check",
        ("SOLV-1",),
        "subaccounts.py",
        "    post_trade_open_interest = (",
        "    if update_type is UpdateType.WITHDRAWAL:\n"
        "        return [_SUCCESS] * len(updates), settled_updates\n"
        "    post_trade_open_interest = (",
        LEDGER,
        "an ungated withdrawal passes without the collateral check (SUB-7, SUB-12)",
    ),
    bug(
        "collateral-check-tests-mmr",
        ("SOLV-1",),
        "subaccounts.py",
        "    if is_initially_collateralized(risk_new):\n        return _SUCCESS",
        "    if risk_new.nc >= risk_new.mmr:\n        return _SUCCESS",
        LEDGER,
        "the collateral check tests NC >= MMR where SUB-7 says NC >= IMR (issue 12's planted bug)",
    ),
    bug(
        "book-newest-first",
        ("PRIO-1",),
        "clob/book.py",
        "        return queue[head]",
        "        return next(entry for entry in reversed(queue) if not entry.removed)",
        BOOK,
        "a level hands out its newest live order first, not its oldest (BOOK-1, MATCH-1)",
    ),
    bug(
        "deleveraging-quote-one-more",
        ("CONS-5",),
        "deleveraging.py",
        "    return get_bankruptcy_price_quote_quantums(state, liquidated, perpetual_id, delta_quantums)",
        "    return get_bankruptcy_price_quote_quantums(state, liquidated, perpetual_id, delta_quantums) + 1",
        LIQUIDATION,
        "a deleveraging fill pays the liquidated side one quantum more than its bankruptcy price (LIQ-6, DEL-3); "
        "still zero-sum, so only the price check sees it",
    ),
    bug(
        "liquidation-fee-uncapped",
        ("SOLV-3",),
        "liquidation_arithmetic.py",
        "    return select(delta <= 0, delta, select(both(delta > 0, fee_cap < delta), fee_cap, delta))",
        "    return delta",
        LIQUIDATION,
        "the insurance fund takes all of fill quote minus bankruptcy quote, not at most the fee cap (LIQ-9)",
    ),
]
