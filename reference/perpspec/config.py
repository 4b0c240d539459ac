"""
Configuration fixed when perpspec is first imported (spec/invariants.md, INV-8).

Contracts (icontract pre- and postconditions, and the TX-2 check of ``apply_message``) run
unless the environment variable ``PERPSPEC_CONTRACTS`` is ``0``, ``off``, ``false`` or ``no``
when perpspec is first imported; reading the switch once means "off" costs nothing.
``strict`` adds the checks that cost O(state) per message: the TX-2 comparison of the whole
state around every rejection, so that no message kind can forget a part it writes.  The
tests and ``perpspec verify`` run strict.
"""

from __future__ import annotations

import os

CONTRACTS_SETTING: str = os.environ.get("PERPSPEC_CONTRACTS", "on").strip().lower()
"""The raw setting, lower-cased."""

CONTRACTS_ENABLED: bool = CONTRACTS_SETTING not in ("0", "off", "false", "no")
"""Whether icontract conditions are evaluated (INV-8)."""

CONTRACTS_STRICT: bool = CONTRACTS_SETTING == "strict"
"""Whether the O(state) checks run too: the whole-state TX-2 comparison (INV-8)."""
