"""
A lower bound on perpspec's cost per op on the shared peer flow, from the parts no message can skip.

    PYTHONPATH=build/compiled:benchmarks PERPSPEC_CONTRACTS=0 python benchmarks/floor.py --bench /work/shared/bench
    PYTHONPATH=reference:benchmarks PERPSPEC_CONTRACTS=0 python benchmarks/floor.py --bench /work/shared/bench

A figure, not a test.  It times, one at a time and in a loop, the engine's own functions
for the work that the spec requires of every op of the flow (``perpspec_flow.py`` maps the
flow), and nothing else -- no matching loop, no book, no validation beyond building the
message, no dictionary of fill amounts:

- every op: building its message (``Order``, ``validate_order_basic``, ``PlaceOrder`` or
  ``CancelOrder``), as the adapter does in the timed loop;
- a resting place: the add-to-book check's position risk (MATCH-7), and its ``OrderPlaced``
  and ``OrderOnBook`` events (TX-4);
- a cancel: its ``OrderCancelRecorded`` and ``OrderRemoved`` events;
- a fill: both parties' position risk (MATCH-4; the products of price and quantums pass 64
  bits, so this is big-integer arithmetic), its ``OrderFill`` event and both
  ``SubaccountUpdate`` events.

Weighted by the flow's mix (places, cancels, IOC orders and fills per op), that is a floor
on perpspec's cost per op.  The plain book of the peer harness replays the same flow in
this process; the script prints the floor's ops/s as a share of the plain book's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable


def per_call_us(function: Callable[[], object], calls: int) -> float:
    """Microseconds per call of ``function``, best of 5 loops of ``calls``."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", required=True, help="the shared peer harness folder (flow.py, peer_baseline.py)")
    parser.add_argument("--depth", type=int, default=1_000, help="resting orders before the timed ops")
    parser.add_argument("--ops", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=20_000, help="calls per timing loop")
    args = parser.parse_args()
    sys.path.insert(0, args.bench)

    import flow as flowmod  # the shared harness's flow
    import peer_baseline
    import perpspec_flow

    import perpspec.clob.matching as matching
    from perpspec.clob.fills import fill_event
    from perpspec.events import (
        OrderCancelRecordedEvent,
        OrderOnBookEvent,
        OrderPlacedEvent,
        OrderRemovedEvent,
        RemovalReason,
    )
    from perpspec.subaccounts import Update, UpdateType, check_updates, get_position_risk, get_subaccount_update_event

    flow = flowmod.cached(args.ops, args.depth, 1)
    stats = flow.stats
    engine = perpspec_flow.build(flow)
    state = engine.state
    perpspec_flow.replay(engine, flow)  # positions and volume as after the flow
    buyer, seller = engine.subaccounts[0], engine.subaccounts[1]
    order = engine.place_message(1, True, perpspec_flow.MID_TICKS, 1, 0).order
    pair = state.clob.clob_pairs[perpspec_flow.CLOB_PAIR_ID]
    perpetual_id = pair.perpetual_id
    quantums = perpspec_flow.STEP_BASE_QUANTUMS
    _, settled = check_updates(
        state,
        [Update(buyer, -(10**8), ((perpetual_id, quantums),)), Update(seller, 10**8, ((perpetual_id, -quantums),))],
        UpdateType.MATCH,
    )

    calls = args.calls
    place_message = per_call_us(lambda: engine.place_message(1, True, perpspec_flow.MID_TICKS, 1, 0), calls)
    cancel_message = per_call_us(lambda: engine.cancel_message(1, 0), calls)
    risk = per_call_us(lambda: get_position_risk(state, perpetual_id, 5 * quantums), calls)
    placed_events = per_call_us(
        lambda: (
            OrderPlacedEvent(order, False),
            OrderOnBookEvent(order.order_id, quantums),
        ),
        calls,
    )
    cancel_events = per_call_us(
        lambda: (
            OrderCancelRecordedEvent(order.order_id, 5),
            OrderRemovedEvent(order.order_id, RemovalReason.CANCELED),
        ),
        calls,
    )
    fill_events = per_call_us(
        lambda: (
            fill_event(pair, order, order, quantums, 10**8, 500, 100, quantums, quantums),
            get_subaccount_update_event(settled[0]),
            get_subaccount_update_event(settled[1]),
        ),
        calls,
    )

    ops = stats["n_ops"]
    places, cancels, iocs, fills = stats["place"], stats["cancel"], stats["ioc"], stats["fills"]
    resting_places = places  # the flow's places never cross
    floor_us = (
        places * place_message
        + iocs * place_message
        + cancels * cancel_message
        + resting_places * (risk + placed_events)
        + cancels * cancel_events
        + fills * (2 * risk + fill_events)
    ) / ops

    rates = []
    for _ in range(3):
        book = peer_baseline.build(flow)
        started = time.perf_counter()
        peer_baseline.replay(book, flow)
        rates.append(ops / (time.perf_counter() - started))
    plain_us = 1e6 / statistics.median(rates)

    engine_kind = "interpreted" if matching.__file__.endswith(".py") else "compiled (mypyc)"
    print(f"# floor.py  depth={args.depth:,}  ops={ops:,}  perpspec {engine_kind}")
    print(
        f"flow per op: {places / ops:.3f} places, {cancels / ops:.3f} cancels, {iocs / ops:.3f} IOC, {fills / ops:.3f} fills"
    )
    print(f"{'part':44s} {'us/call':>8s} {'calls/op':>9s} {'us/op':>7s}")
    for name, us, per_op in [
        ("build a place or IOC message", place_message, (places + iocs) / ops),
        ("build a cancel message", cancel_message, cancels / ops),
        ("position risk (add-to-book: 1, fill: 2)", risk, (resting_places + 2 * fills) / ops),
        ("OrderPlaced + OrderOnBook events", placed_events, resting_places / ops),
        ("OrderCancelRecorded + OrderRemoved events", cancel_events, cancels / ops),
        ("OrderFill + 2 SubaccountUpdate events", fill_events, fills / ops),
    ]:
        print(f"{name:44s} {us:8.3f} {per_op:9.3f} {us * per_op:7.3f}")
    print(f"floor: {floor_us:.2f} us/op = {1e6 / floor_us:,.0f} ops/s")
    print(f"plain book (peer_baseline, same process): {plain_us:.2f} us/op = {1e6 / plain_us:,.0f} ops/s")
    print(f"floor / plain book: {plain_us / floor_us:.1%} of its ops/s (the issue's target: 25%)")


if __name__ == "__main__":
    main()
