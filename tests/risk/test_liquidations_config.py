"""
The liquidations config in the state (spec/liquidations.md, LIQ-10; spec/genesis.md, GEN-2, GEN-3):
v4's defaults when a genesis leaves it out, v4's bounds when it gives one, a round trip otherwise.
"""

from __future__ import annotations

import copy

import pytest

from perpspec import errors
from perpspec.clob.state import LiquidationsConfig
from perpspec.codec import encode_state
from perpspec.default_genesis import default_genesis_json
from perpspec.genesis import load_genesis


def test_liq_10_omitted_config_is_v4_default():
    """GEN-3, LIQ-10: a genesis without clob.liquidationsConfig gets LiquidationsConfig_Default."""
    genesis = default_genesis_json()
    del genesis["clob"]["liquidationsConfig"]
    assert load_genesis(genesis).clob.liquidations_config == LiquidationsConfig(
        5_000, 1_000_000, 100_000, 1_000, 1_000_000, 10**14, 10**14
    )


def test_liq_10_config_round_trips():
    """CODEC-1: a non-default config is written and read back unchanged."""
    genesis = default_genesis_json()
    config = genesis["clob"]["liquidationsConfig"]
    config["maxLiquidationFeePpm"] = 15_000
    config["subaccountBlockLimits"]["maxNotionalLiquidated"] = "123456789"
    state = load_genesis(copy.deepcopy(genesis))
    assert encode_state(state)["clob"]["liquidationsConfig"] == config


@pytest.mark.parametrize(
    "path, value",
    [
        (("fillablePriceConfig", "bankruptcyAdjustmentPpm"), 999_999),
        (("fillablePriceConfig", "spreadToMaintenanceMarginRatioPpm"), 0),
        (("maxLiquidationFeePpm",), 0),
        (("maxLiquidationFeePpm",), 1_000_001),
        (("positionBlockLimits", "maxPositionPortionLiquidatedPpm"), 0),
        (("positionBlockLimits", "maxPositionPortionLiquidatedPpm"), 1_000_001),
        (("subaccountBlockLimits", "maxNotionalLiquidated"), "0"),
        (("subaccountBlockLimits", "maxQuantumsInsuranceLost"), "0"),
    ],
)
def test_liq_10_out_of_bounds_config_is_refused(path, value):
    """LIQ-10, GEN-2: each bound of v4's LiquidationsConfig.Validate refuses the genesis."""
    genesis = default_genesis_json()
    target = genesis["clob"]["liquidationsConfig"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)


def test_liq_10_at_the_bounds_is_accepted():
    """LIQ-10: a 100% bankruptcy adjustment, a 100% fee and a 100% portion are valid."""
    genesis = default_genesis_json()
    config = genesis["clob"]["liquidationsConfig"]
    config["maxLiquidationFeePpm"] = 1_000_000
    config["positionBlockLimits"]["maxPositionPortionLiquidatedPpm"] = 1_000_000
    config["fillablePriceConfig"]["bankruptcyAdjustmentPpm"] = 1_000_000
    load_genesis(genesis)
