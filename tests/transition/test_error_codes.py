"""
Per-rule tests of the error codes (spec/transition.md, TX-3): unique, stable, upper case.
"""

from __future__ import annotations

import inspect
import re

from perpspec import errors

EXPECTED_CODES = {
    "MalformedMessage": "MALFORMED_MESSAGE",
    "UnknownMessageType": "UNKNOWN_MESSAGE_TYPE",
    "InvalidField": "INVALID_FIELD",
    "InvalidAddress": "INVALID_ADDRESS",
    "InvalidSubaccountId": "INVALID_SUBACCOUNT_NUMBER",
    "NonUsdcAsset": "NON_USDC_ASSET",
    "InvalidTransferAmount": "INVALID_TRANSFER_AMOUNT",
    "SenderSameAsRecipient": "SENDER_SAME_AS_RECIPIENT",
    "Unauthorized": "UNAUTHORIZED",
    "NewlyUndercollateralized": "NEWLY_UNDERCOLLATERALIZED",
    "StillUndercollateralized": "STILL_UNDERCOLLATERALIZED",
    "WithdrawalsAndTransfersBlocked": "WITHDRAWALS_AND_TRANSFERS_BLOCKED",
    "PositionNotUpdatable": "POSITION_NOT_UPDATABLE",
    "UnknownPerpetual": "UNKNOWN_PERPETUAL",
    "UnknownMarket": "UNKNOWN_MARKET",
    "DuplicateMarketUpdate": "DUPLICATE_MARKET_UPDATE",
    "DuplicateSource": "DUPLICATE_SOURCE",
    "InvalidPrice": "INVALID_PRICE",
    "InvalidBlockHeight": "INVALID_BLOCK_HEIGHT",
    "InvalidBlockTime": "INVALID_BLOCK_TIME",
}


def _subclasses(cls: type) -> list[type]:
    found = []
    for child in cls.__subclasses__():
        found.append(child)
        found.extend(_subclasses(child))
    return found


def test_tx_3_error_codes_are_unique_stable_strings():
    """TX-3: every ProtocolError subclass in perpspec.errors has its own unique, upper-case code; published codes do not change."""
    classes = [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ProtocolError) and c is not errors.ProtocolError
    ]
    assert set(classes) >= {c for c in _subclasses(errors.ProtocolError) if c.__module__ == errors.__name__}
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), f"duplicate codes: {sorted(codes)}"
    for cls in classes:
        assert "code" in cls.__dict__, f"{cls.__name__} inherits its code"
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", cls.code), cls.code
    by_name = {c.__name__: c.code for c in classes}
    for name, code in EXPECTED_CODES.items():
        assert by_name.get(name) == code, f"{name} changed its code"
    # a genesis error is not a protocol (message) error, and its code differs from all of them
    assert not issubclass(errors.InvalidGenesis, errors.ProtocolError)
    assert errors.InvalidGenesis.code not in codes
