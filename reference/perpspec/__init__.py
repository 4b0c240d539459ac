"""
perpspec: an executable, formally specified reference of a dYdX-style perpetual futures protocol.

Its modules stand on floors (README.md, "Layout: the floors"; the import-linter contract in
pyproject.toml checks them): the ground (``rounding``, ``errors``, ``jsonio``, ``config``),
vocabulary and pure arithmetic (``units``, ``margin``, ``funding``, ``oracle``), plain state
(``state``, ``clob.state``, ``bounds``), the wire (``messages``, ``events``, ``codec``), the
ledger (``subaccounts``, ``invariants``, ``sending``, ``prices``), the market (``clob``),
orchestration (``blocks``, ``transition``), and the interfaces that read the protocol
(``genesis``, ``catalogue``, ``conformance``, ``verify``, ``cli``).
"""

__version__ = "0.1.0"
