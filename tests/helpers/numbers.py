"""Big integers, rounding directions and the BTC-USD oracle figures the arithmetic tests share."""

from __future__ import annotations

from perpspec.rounding import Rounding

FLOOR, CEIL, TRUNC = Rounding.FLOOR, Rounding.CEIL, Rounding.TRUNC

TWO_64 = 2**64  # 18446744073709551616; 2^64 = 4^32 = 1 (mod 3), so 2^64 = 3 * 6148914691236517205 + 1
TWO_70 = 2**70  # 1180591620717411303424 (22 digits)
UINT64_MAX = TWO_64 - 1

# Bitcoin as the semantics notes use it: atomic resolution -10, price 2868819524 at exponent -5
# ($28,688.19524 per coin).
BTC_AR, BTC_PRICE, BTC_PE = -10, 2868819524, -5
