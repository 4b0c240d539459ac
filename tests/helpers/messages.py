"""
Hypothesis strategies of message JSON for the ledger (TX-1, TX-2, TX-5): valid messages of
every ledger type (built with the conformance builders), mutations of them, arbitrary JSON
values, and the codes a message that does not decode may get.  The ledger state machine
draws its malformed messages here; the any-message property draws from all of them.
"""

from __future__ import annotations

import copy

import hypothesis.strategies as st

from perpspec.clob.orders import get_oracle_price_subticks
from perpspec.conformance.builders import (
    AUTHORITY,
    BUY,
    CONDITIONAL,
    IOC,
    LONG_TERM,
    MALLORY,
    POST_ONLY,
    SELL,
    SHORT_TERM,
    advance_block,
    cancel,
    deposit,
    order,
    order_id,
    place,
    sub,
    transfer,
    update_prices,
    withdraw,
)
from perpspec.genesis import load_genesis
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    DEPOSIT_TYPE,
    TRANSFER_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
)
from perpspec.simulation import genesis_with_positions
from perpspec.transition import KINDS_BY_TYPE_URL

DECODE_CODES = frozenset(
    {
        "MALFORMED_MESSAGE",
        "UNKNOWN_MESSAGE_TYPE",
        "INVALID_FIELD",
        "INVALID_ADDRESS",
        "INVALID_SUBACCOUNT_NUMBER",
        "NON_USDC_ASSET",
        "INVALID_TRANSFER_AMOUNT",
        "SENDER_SAME_AS_RECIPIENT",
        "DUPLICATE_MARKET_UPDATE",
        "DUPLICATE_SOURCE",
        "INVALID_PRICE",
    }
)

PROPERTY_GENESIS = genesis_with_positions(0)
PROPERTY_OWNERS = sorted({s["id"]["owner"] for s in PROPERTY_GENESIS["subaccounts"]["subaccounts"]}) + [MALLORY]
PROPERTY_TIME = int(PROPERTY_GENESIS["blocks"]["time"])
PROPERTY_HEIGHT = int(PROPERTY_GENESIS["blocks"]["height"])
_PROPERTY_STATE = load_genesis(copy.deepcopy(PROPERTY_GENESIS))
PROPERTY_PAIRS = {
    pair_id: (pair.subticks_per_tick, pair.step_base_quantums, get_oracle_price_subticks(_PROPERTY_STATE, pair))
    for pair_id, pair in sorted(_PROPERTY_STATE.clob.clob_pairs.items())
}
"""Per clob pair of the property genesis: subticks per tick, step, and the oracle price in subticks."""

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.sampled_from(["0", "1", "-1", "18446744073709551615", "18446744073709551616", "1.5", "1e3", " 7", "+7"]),
    st.sampled_from(PROPERTY_OWNERS + [AUTHORITY, "dydx1", "cosmos1qqqqqq"]),
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)

owners = st.sampled_from(PROPERTY_OWNERS)
amounts = st.one_of(st.integers(min_value=1, max_value=10**11), st.sampled_from([2**64 - 1, 10**12]))
subaccount_ids = st.builds(sub, owners, st.sampled_from([0, 1, 127]))


def _order_message(
    owner: str, pair_id: int, side: str, steps: int, offset: int, kind: int, tif, client_id: int
) -> dict:
    """A MsgPlaceOrder near the oracle price: short-term, long-term or conditional (ORDER-1..6)."""
    tick, step, oracle = PROPERTY_PAIRS[pair_id]
    subticks = max(1, oracle // tick + offset) * tick
    fields: dict = {"flags": kind, "clob": pair_id}
    if kind == SHORT_TERM:
        fields["gtb"] = PROPERTY_HEIGHT + 3
    else:
        fields["gtbt"] = PROPERTY_TIME + 60
    if kind == CONDITIONAL:
        fields.update(condition="CONDITION_TYPE_STOP_LOSS", trigger=subticks)
    if tif is not None:
        fields["tif"] = tif
    return place(owner, order(owner, client_id, side, steps * step, subticks, **fields))


order_messages = st.one_of(
    st.builds(
        _order_message,
        owners,
        st.sampled_from(sorted(PROPERTY_PAIRS)),
        st.sampled_from([BUY, SELL]),
        st.sampled_from([1, 2, 100, 10**6]),
        st.integers(-5, 5),
        st.sampled_from([SHORT_TERM, SHORT_TERM, LONG_TERM, CONDITIONAL]),
        st.sampled_from([None, None, IOC, POST_ONLY]),
        st.integers(0, 3),
    ),
    st.builds(
        lambda o, c, flags: cancel(
            o,
            order_id(o, c, flags),
            gtb=PROPERTY_HEIGHT + 2 if flags == SHORT_TERM else None,
            gtbt=PROPERTY_TIME + 60 if flags != SHORT_TERM else None,
        ),
        owners,
        st.integers(0, 3),
        st.sampled_from([SHORT_TERM, LONG_TERM]),
    ),
)
"""Orders and cancels of the property genesis's pairs (ORDER-1..11): they rest, fill or are refused."""

valid_messages = st.one_of(
    order_messages,
    st.builds(lambda o, r, q: deposit(o, r, q), owners, subaccount_ids, amounts),
    st.builds(lambda s, q: withdraw(s["owner"], s, q), subaccount_ids, amounts),
    st.builds(lambda s, r, q: transfer(s["owner"], s, r, q), subaccount_ids, subaccount_ids, amounts),
    st.builds(
        lambda markets, prices, ages: update_prices(
            AUTHORITY,
            [(m, [(f"s{i}", p, PROPERTY_TIME - a) for i, (p, a) in enumerate(zip(prices, ages))]) for m in markets],
        ),
        st.lists(st.sampled_from([0, 1, 5]), unique=True, max_size=3),
        st.lists(st.integers(min_value=1, max_value=10**10), max_size=4),
        st.lists(st.sampled_from([0, 10, 31]), min_size=4, max_size=4),
    ),
    st.builds(
        lambda dh, dt: advance_block(AUTHORITY, int(PROPERTY_GENESIS["blocks"]["height"]) + dh, PROPERTY_TIME + dt),
        st.sampled_from([1, 1, 0, 2]),
        st.sampled_from([1, 300, 0]),
    ),
)


def _mutate(message: dict, data_key: int, how: str, value) -> dict:
    """Drop a key, add an unknown one, or replace a (possibly nested) value."""
    mutated = copy.deepcopy(message)
    target = mutated
    if "transfer" in mutated and data_key % 2:
        target = mutated["transfer"]
    keys = sorted(target)
    key = keys[data_key % len(keys)]
    if how == "drop":
        del target[key]
    elif how == "add":
        target["unexpected"] = value
    else:
        target[key] = value
    return mutated


mutated_messages = st.builds(
    _mutate, valid_messages, st.integers(0, 20), st.sampled_from(["drop", "add", "replace", "replace"]), json_values
)

MALFORMED_MESSAGES = st.one_of(
    st.builds(_mutate, valid_messages, st.integers(0, 20), st.sampled_from(["drop", "add"]), json_values),
    json_values.filter(lambda v: not isinstance(v, dict) or not isinstance(v.get("@type"), str)),
    st.fixed_dictionaries(
        {"@type": st.sampled_from([DEPOSIT_TYPE, WITHDRAW_TYPE, TRANSFER_TYPE, UPDATE_PRICES_TYPE, ADVANCE_BLOCK_TYPE])}
    ),
)

any_messages = st.one_of(
    valid_messages,
    mutated_messages,
    json_values,
    st.builds(
        lambda t, rest: {"@type": t, **rest},
        st.sampled_from(
            [*sorted(KINDS_BY_TYPE_URL), "/x.Y"]
        ),  # every row of the message table (TX-1), and an unknown type
        st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    ),
)
