"""
The claim registry (spec/claims.md, CLAIM-1).

The table here is the spec's table; ``tests/meta/test_claims.py`` checks that they agree.
Every verification method tags its results with these IDs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    id: str
    rules: tuple[str, ...]
    statement: str


CLAIMS: dict[str, Claim] = {
    claim.id: claim
    for claim in [
        Claim(
            "CONS-1",
            ("INV-1", "FUND-3", "SUB-11", "SUB-12", "SUB-13"),
            "USDC is conserved: after every message, the USDC held by subaccounts, the insurance fund, "
            "the fee collector and the funding pool equals deposits minus withdrawals.",
        ),
        Claim(
            "CONS-2",
            ("FUND-1", "FUND-2", "FUND-3"),
            "Funding settlement never creates value: for positions that sum to zero, what longs receive "
            "is at most what shorts pay; each subaccount's rounding favours the protocol.",
        ),
        Claim(
            "SOLV-1",
            ("SUB-7", "SUB-8", "INV-5"),
            "A withdrawal or transfer accepted by the collateral check leaves its sender initially "
            "collateralized, or, if it was not, with maintenance margin not higher and NC/MMR not worse.",
        ),
        Claim(
            "RISK-1",
            ("MARGIN-1", "MARGIN-2", "MARGIN-3"),
            "For a valid tier and a non-negative notional, IMR ≥ MMR ≥ 0, each the exact ceiling its rule "
            "names (never rounded down); the scaled initial margin fraction lies in [imf, 100%] and never "
            "falls as open interest rises.",
        ),
        Claim(
            "CONV-1",
            ("ROUND-1..9", "UNITS-4", "UNITS-5", "UNITS-6", "UNITS-7"),
            "Every conversion is within one unit of the exact value, on the side its rule names, and "
            "monotone in its amount.",
        ),
        Claim(
            "ORACLE-1",
            ("PRICE-4", "PRICE-8"),
            "While fewer than half the sources are wrong, the aggregated price lies within the range of "
            "the honest sources.",
        ),
        Claim(
            "POS-1",
            ("INV-2", "INV-3", "INV-4", "SUB-4", "SUB-6"),
            "No position has size zero; every perpetual's open interest is the sum of its longs, which "
            "equals the sum of its shorts.",
        ),
        Claim("ATOM-1", ("TX-2",), "A rejected message leaves the state byte-for-byte unchanged."),
        Claim(
            "DET-1",
            ("TX-6", "CODEC-1", "CODEC-2", "CODEC-3"),
            "The same genesis and messages give the same events, errors and state hash on every run.",
        ),
        Claim(
            "CONS-3",
            (
                "FEE-2",
                "FEE-3",
                "MATCH-2",
                "MATCH-4",
            ),
            "Every fill is zero-sum: the base quantums the buyer gains are those the seller loses, and taker USDC change + maker USDC change + taker fee + maker fee = 0; the fees of a fill are never negative in total.",
        ),
        Claim(
            "SOLV-2",
            (
                "MATCH-4",
                "MATCH-7",
                "SUB-7",
                "SUB-8",
            ),
            "A fill never leaves a party that met its initial margin under it; a maker or taker that fails its collateral check gets no fill.",
        ),
        Claim(
            "CROSS-1",
            (
                "BOOK-2",
                "INV-9",
                "MATCH-1",
            ),
            "After every message, on every clob pair, the best bid is strictly below the best ask.",
        ),
        Claim(
            "RO-1",
            (
                "ORDER-10",
                "MATCH-8",
            ),
            "A reduce-only order never increases a position and never flips its side.",
        ),
        Claim(
            "PRIO-1",
            (
                "BOOK-1",
                "MATCH-1",
                "MATCH-2",
            ),
            "Fills follow price-time priority: no maker at a worse price fills before one at a better price, and no later order at the same price fills before an earlier one; every fill is at the maker's price.",
        ),
        Claim(
            "SOLV-3",
            ("INS-1", "LIQ-9", "LIQ-13"),
            "The insurance fund is never negative: a liquidation fill whose share would overdraw it is not made, "
            "and nothing else pays from it.",
        ),
        Claim(
            "CONS-5",
            ("DEL-2", "DEL-3", "FINAL-2"),
            "Deleveraging and final settlement are zero-sum: each fill moves USDC and base quantums only between "
            "its two parties, with no fee and no insurance fund, and leaves each party initially collateralized or, "
            "if it was not, with maintenance margin not higher and NC/MMR not worse.",
        ),
        Claim(
            "BANKR-1",
            ("LIQ-6", "LIQ-7", "LIQ-8", "LIQ-9"),
            "The fillable price lies on the closing side of the oracle price (at or below it for a long, at or above for a short) within SMMR·PMMR/(10⁶·|PS|) of it, and equals it when TNC ≥ TMMR; the bankruptcy quote is the exact ceiling of −DNNV − TNC·|DMMR|/TMMR and closing at it never lowers NC/MMR; closing the whole position at the fillable price is worse than bankruptcy when TNC < 0 < PMMR ≤ TMMR, at least as good when TNC ≥ TMMR, and, for the only position at BA = 100%, at least as good exactly when TNC·(10⁶ + SMMR) ≥ SMMR·TMMR (so the fillable price need not lie between the bankruptcy and oracle prices); a fill's insurance fund delta is exactly the shortfall when the fill does not beat bankruptcy and otherwise a fee in [0, min(surplus, ⌊|fill quote|·fee/10⁶⌋)], so the liquidated account keeps at least the bankruptcy quote; the order's subticks are the nearest tick on the side against the liquidated account, clamped to [tick, the largest aligned uint64].",
        ),
        Claim(
            "SOLV-4",
            ("DEL-2", "DEL-4", "DEL-5"),
            "Deleveraging leaves no offsettable negative TNC: once a block passes with no price move, no subaccount with negative TNC whose liquidation filled nothing keeps an open position while an opposite-side holder could take the offset at its bankruptcy price (each such fill would fail the holder's collateral check), within the per-block bounds of 10 deleveraging attempts and 500 candidates.",
        ),
        Claim(
            "CONS-4",
            ("FUND-7", "FUND-8", "FUND-1", "FUND-2", "INV-4"),
            "A funding tick creates no USDC: it changes only funding indices, and the settlements it later causes sum to at most zero over positions that net to zero.",
        ),
        Claim(
            "ORACLE-2",
            ("PRICE-10",),
            "An accepted proposed price moves toward the index price or crosses it by no more than the square-root bound.",
        ),
    ]
}
