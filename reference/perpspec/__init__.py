"""
perpspec: an executable, formally specified reference of a dYdX-style perpetual futures protocol.

The package follows the layering of spec/: ``rounding`` and ``units`` at the bottom,
then ``margin``, ``funding`` and ``prices`` (pure rules), ``state`` (data),
``subaccounts`` and ``sending`` (the ledger), ``blocks``, and ``transition`` on top.
"""

__version__ = "0.1.0"
