"""
Shared test helpers, built on the reference's conformance builders.

Genesis, message and order JSON come from ``perpspec.conformance.builders``, which the
conformance scenarios use too; test modules import the builders from there.  What is here is
what the builders do not have, each written once:

- ``paths``: the checkout's folders (spec/, reference/, conformance/vectors/, tla/);
- ``ledger``: a ``State`` from a genesis, applying a message that must be accepted or
  rejected (a rejection leaves the state unchanged, TX-2), readers of a ``State``, the next
  block, and the geneses several modules share;
- ``clob``: the order tests' variants of the order builders (with this suite's defaults),
  a funded state, readers of events and of the book, and the worked BTC-USD numbers;
- ``catalogue``, ``properties``, ``messages``: evaluating catalogue requests, the exact
  oracles and strategies of the catalogue properties, and strategies of message JSON;
- ``commands``, ``conformance``: running the ``perpspec`` command and adapter processes;
- ``budget``: example counts scaled by the hypothesis profile (tests/conftest.py).

No test module imports another test module.
"""
