"""
Bech32 addresses (BIP-173), as the dYdX chain writes accounts: ``dydx1...`` (SUB-1).

Only what the ledger needs: checking that an address is a valid bech32 string with
the ``dydx`` prefix and a 20- or 32-byte payload, and encoding bytes as one (for
test accounts and the default genesis).
"""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
GENERATORS = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
ADDRESS_PREFIX = "dydx"


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(GENERATORS):
            if (top >> i) & 1:
                checksum ^= generator
    return checksum


def _expand_prefix(prefix: str) -> list[int]:
    return [ord(c) >> 5 for c in prefix] + [0] + [ord(c) & 31 for c in prefix]


def _convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    accumulator = 0
    bits = 0
    result = []
    max_value = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append((accumulator >> bits) & max_value)
    if pad:
        if bits:
            result.append((accumulator << (to_bits - bits)) & max_value)
    elif bits >= from_bits or ((accumulator << (to_bits - bits)) & max_value):
        return None
    return result


def encode_address(payload: bytes, prefix: str = ADDRESS_PREFIX) -> str:
    """The bech32 address of ``payload`` under ``prefix``."""
    data = _convert_bits(list(payload), 8, 5, pad=True)
    assert data is not None
    polymod = _polymod(_expand_prefix(prefix) + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return prefix + "1" + "".join(CHARSET[d] for d in data + checksum)


def is_valid_address(address: object, prefix: str = ADDRESS_PREFIX) -> bool:
    """True when ``address`` is a lower-case bech32 string with this prefix and a 20- or 32-byte payload."""
    if not isinstance(address, str) or len(address) > 90 or address != address.lower():
        return False
    separator = address.rfind("1")
    if address[:separator] != prefix or len(address) - separator - 1 < 7:
        return False
    data_part = address[separator + 1 :]
    if any(c not in CHARSET for c in data_part):
        return False
    data = [CHARSET.index(c) for c in data_part]
    if _polymod(_expand_prefix(prefix) + data) != 1:
        return False
    payload = _convert_bits(data[:-6], 5, 8, pad=False)
    return payload is not None and len(payload) in (20, 32)
