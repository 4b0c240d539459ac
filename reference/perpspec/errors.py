"""
Errors: one typed exception per failure, each with a stable code (spec/transition.md, TX-3).

A transition either returns events or raises a ``ProtocolError``; the error's
``code`` is what conformance vectors record and what other implementations must
reproduce.  Codes never change meaning once published.
"""

from __future__ import annotations


class PerpspecError(Exception):
    """Base of every error perpspec reports to a caller; ``code`` is stable."""

    code = "ERROR"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__doc__ or self.code)
        self.message = message or (self.__doc__ or self.code).strip().splitlines()[0]

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class ProtocolError(PerpspecError):
    """A message the protocol rejects; the state is left exactly as it was."""


# --- decoding and stateless validation ---------------------------------------------


class MalformedMessage(ProtocolError):
    """The message is not a JSON object of the expected shape."""

    code = "MALFORMED_MESSAGE"


class UnknownMessageType(ProtocolError):
    """The message's @type is not one the state machine knows."""

    code = "UNKNOWN_MESSAGE_TYPE"


class InvalidField(ProtocolError):
    """A field is missing, unexpected, of the wrong type or outside its range."""

    code = "INVALID_FIELD"


class InvalidAddress(ProtocolError):
    """An address is not a valid dydx bech32 address."""

    code = "INVALID_ADDRESS"


class InvalidSubaccountId(ProtocolError):
    """A subaccount number is outside 0..127."""

    code = "INVALID_SUBACCOUNT_NUMBER"


class NonUsdcAsset(ProtocolError):
    """Only USDC (asset 0) can be deposited, withdrawn or transferred."""

    code = "NON_USDC_ASSET"


class InvalidTransferAmount(ProtocolError):
    """The amount is zero."""

    code = "INVALID_TRANSFER_AMOUNT"


class SenderSameAsRecipient(ProtocolError):
    """A transfer's sender and recipient are the same subaccount."""

    code = "SENDER_SAME_AS_RECIPIENT"


class Unauthorized(ProtocolError):
    """The message is not signed by the account it needs."""

    code = "UNAUTHORIZED"


# --- collateral ------------------------------------------------------------------------


class NewlyUndercollateralized(ProtocolError):
    """The update would leave a collateralized subaccount under its initial margin."""

    code = "NEWLY_UNDERCOLLATERALIZED"


class StillUndercollateralized(ProtocolError):
    """The update would make an under-collateralized subaccount riskier."""

    code = "STILL_UNDERCOLLATERALIZED"


class WithdrawalsAndTransfersBlocked(ProtocolError):
    """Withdrawals and transfers are blocked after a negative-TNC subaccount or a chain outage."""

    code = "WITHDRAWALS_AND_TRANSFERS_BLOCKED"


class NonUniqueUpdates(ProtocolError):
    """A batch names a subaccount twice, or an update names a perpetual twice."""

    code = "NON_UNIQUE_UPDATES"


class PositionNotUpdatable(ProtocolError):
    """A perpetual whose oracle price is still 0 cannot have its positions changed."""

    code = "POSITION_NOT_UPDATABLE"


class UnknownPerpetual(ProtocolError):
    """No perpetual has this id."""

    code = "UNKNOWN_PERPETUAL"


# --- prices ----------------------------------------------------------------------------


class UnknownMarket(ProtocolError):
    """No oracle market has this id."""

    code = "UNKNOWN_MARKET"


class DuplicateMarketUpdate(ProtocolError):
    """A market appears more than once in one price update."""

    code = "DUPLICATE_MARKET_UPDATE"


class DuplicateSource(ProtocolError):
    """A source appears more than once for one market in one price update."""

    code = "DUPLICATE_SOURCE"


class InvalidPrice(ProtocolError):
    """A source price is zero."""

    code = "INVALID_PRICE"


# --- blocks ----------------------------------------------------------------------------


class InvalidBlockHeight(ProtocolError):
    """The new block height is not the current height plus one."""

    code = "INVALID_BLOCK_HEIGHT"


class InvalidBlockTime(ProtocolError):
    """The new block time is not later than the current block time."""

    code = "INVALID_BLOCK_TIME"


# --- genesis ---------------------------------------------------------------------------


class InvalidGenesis(PerpspecError):
    """The genesis document is inconsistent or malformed."""

    code = "INVALID_GENESIS"


# --- function catalogue ----------------------------------------------------------------


class CatalogueError(PerpspecError):
    """An error evaluating a catalogue function."""


class MalformedJson(CatalogueError):
    """The line is not valid JSON."""

    code = "MALFORMED_JSON"


class MalformedRequest(CatalogueError):
    """The request is not an object with a string "function" and an object "inputs"."""

    code = "MALFORMED_REQUEST"


class UnknownFunction(CatalogueError):
    """No catalogue function has this name."""

    code = "UNKNOWN_FUNCTION"


class MissingInput(CatalogueError):
    """A required input is absent."""

    code = "MISSING_INPUT"


class UnexpectedInput(CatalogueError):
    """An input the function does not take is present."""

    code = "UNEXPECTED_INPUT"


class InvalidType(CatalogueError):
    """An input has the wrong JSON type (for example a fraction where an integer belongs)."""

    code = "INVALID_TYPE"


class OutOfRange(CatalogueError):
    """An input lies outside the protocol's range for it (for example a uint64 overflow)."""

    code = "OUT_OF_RANGE"


class InvalidArgument(CatalogueError):
    """The inputs are in range but the protocol rejects them together (for example a zero divisor)."""

    code = "INVALID_ARGUMENT"


class ResultOutOfRange(CatalogueError):
    """The result does not fit the protocol's type for it."""

    code = "RESULT_OUT_OF_RANGE"


class InternalError(CatalogueError):
    """The reference failed unexpectedly on this request; this is a defect to report."""

    code = "INTERNAL_ERROR"


class LimitExceeded(CatalogueError):
    """The computation would need a power of ten beyond the reference's limit."""

    code = "LIMIT_EXCEEDED"


# --- orders (spec/clob.md); codes are the real chain's error names ---------------------


class DeprecatedField(ProtocolError):
    """Fill-or-kill is deprecated and rejected (ORDER-2)."""

    code = "DEPRECATED_FIELD"


class InvalidOrderSide(ProtocolError):
    """The side is unspecified or unknown (ORDER-2)."""

    code = "INVALID_ORDER_SIDE"


class InvalidTimeInForce(ProtocolError):
    """The time in force is unknown (ORDER-2)."""

    code = "INVALID_TIME_IN_FORCE"


class InvalidConditionType(ProtocolError):
    """The condition type is unknown, missing on a conditional order or set on another (ORDER-2)."""

    code = "INVALID_CONDITION_TYPE"


class InvalidOrderQuantums(ProtocolError):
    """The order size is zero (ORDER-2)."""

    code = "INVALID_ORDER_QUANTUMS"


class InvalidOrderGoodTilBlock(ProtocolError):
    """A short-term order or cancel has no good-til-block (ORDER-2)."""

    code = "INVALID_ORDER_GOOD_TIL_BLOCK"


class InvalidStatefulOrderGoodTilBlockTime(ProtocolError):
    """A stateful order or cancel has no good-til-block-time (ORDER-2)."""

    code = "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME"


class InvalidOrderFlag(ProtocolError):
    """The order flags name no supported kind of order (ORDER-2)."""

    code = "INVALID_ORDER_FLAG"


class LongTermOrdersCannotRequireImmediateExecution(ProtocolError):
    """A long-term order is IOC (ORDER-2)."""

    code = "LONG_TERM_ORDERS_CANNOT_REQUIRE_IMMEDIATE_EXECUTION"


class ReduceOnlyDisabled(ProtocolError):
    """A reduce-only order is not IOC (ORDER-2)."""

    code = "REDUCE_ONLY_DISABLED"


class InvalidOrderSubticks(ProtocolError):
    """The order price is zero (ORDER-2)."""

    code = "INVALID_ORDER_SUBTICKS"


class InvalidConditionalOrderTriggerSubticks(ProtocolError):
    """A conditional order has no trigger price, or another order has one (ORDER-2)."""

    code = "INVALID_CONDITIONAL_ORDER_TRIGGER_SUBTICKS"


class InvalidClob(ProtocolError):
    """No clob pair has this id (ORDER-3)."""

    code = "INVALID_CLOB"


class InvalidPlaceOrder(ProtocolError):
    """The size is not a multiple of the step, or a price not a multiple of the tick (ORDER-3)."""

    code = "INVALID_PLACE_ORDER"


class OrderConflictsWithClobPairStatus(ProtocolError):
    """The clob pair's status does not accept this order (CLOB-2)."""

    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"


class HeightExceedsGoodTilBlock(ProtocolError):
    """The good-til-block is below the current block height (ORDER-4)."""

    code = "HEIGHT_EXCEEDS_GOOD_TIL_BLOCK"


class GoodTilBlockExceedsShortBlockWindow(ProtocolError):
    """The good-til-block is more than 40 blocks ahead (ORDER-4)."""

    code = "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW"


class TimeExceedsGoodTilBlockTime(ProtocolError):
    """The good-til-block-time is not after the current block time (ORDER-4)."""

    code = "TIME_EXCEEDS_GOOD_TIL_BLOCK_TIME"


class GoodTilBlockTimeExceedsStatefulOrderTimeWindow(ProtocolError):
    """The good-til-block-time is more than 95 days ahead (ORDER-4)."""

    code = "GOOD_TIL_BLOCK_TIME_EXCEEDS_STATEFUL_ORDER_TIME_WINDOW"


class OrderAlreadyExists(ProtocolError):
    """An order with this id and the same expiry already exists (ORDER-6)."""

    code = "ORDER_ALREADY_EXISTS"


class InvalidReplacement(ProtocolError):
    """A replacement must expire later and keep side, time in force and reduce-only (ORDER-6)."""

    code = "INVALID_REPLACEMENT"


class OrderIsCanceled(ProtocolError):
    """A short-term cancel covers this order's good-til-block (ORDER-7)."""

    code = "ORDER_IS_CANCELED"


class OrderFullyFilled(ProtocolError):
    """Less than one step of the order is left to fill (ORDER-11)."""

    code = "ORDER_FULLY_FILLED"


class ImmediateExecutionOrderAlreadyFilled(ProtocolError):
    """An IOC order cannot take the place of a partly filled order (ORDER-11)."""

    code = "IMMEDIATE_EXECUTION_ORDER_ALREADY_FILLED"


class ReduceOnlyWouldIncreasePositionSize(ProtocolError):
    """A reduce-only order must be opposite to a position the subaccount holds (ORDER-10)."""

    code = "REDUCE_ONLY_WOULD_INCREASE_POSITION_SIZE"


class CancelAlreadyExists(ProtocolError):
    """A short-term cancel with the same or a later good-til-block already exists (ORDER-7)."""

    code = "CANCEL_ALREADY_EXISTS"


class StatefulOrderDoesNotExist(ProtocolError):
    """There is no stateful order with this id to cancel (ORDER-8)."""

    code = "STATEFUL_ORDER_DOES_NOT_EXIST"


class InvalidStatefulOrderCancellation(ProtocolError):
    """A stateful cancel's good-til-block-time is below the order's (ORDER-8)."""

    code = "INVALID_STATEFUL_ORDER_CANCELLATION"


# --- clob pair updates (spec/clob.md, CLOB-4) --------------------------------------------


class InvalidClobPairParameter(ProtocolError):
    """A clob pair's own parameters are invalid: an unsupported status, a zero step or tick (CLOB-4)."""

    code = "INVALID_CLOB_PAIR_PARAMETER"


class InvalidClobPairUpdate(ProtocolError):
    """An update names no clob pair, or changes what may not change (CLOB-4)."""

    code = "INVALID_CLOB_PAIR_UPDATE"


class InvalidClobPairStatusTransition(ProtocolError):
    """A status change the protocol does not support (CLOB-4)."""

    code = "INVALID_CLOB_PAIR_STATUS_TRANSITION"


# --- the risk engine: liquidations and deleveraging (spec/liquidations.md); codes are the real chain's error names


class InvalidPerpetualPositionSizeDelta(ProtocolError):
    """The delta is zero, on the position's side, or larger than the position (LIQ-5, LIQ-6)."""

    code = "INVALID_PERPETUAL_POSITION_SIZE_DELTA"


class NoPerpetualPositionsToLiquidate(ProtocolError):
    """The subaccount holds no position in this perpetual, or none left to liquidate this block (LIQ-2)."""

    code = "NO_PERPETUAL_POSITIONS_TO_LIQUIDATE"


class SubaccountHasLiquidatedPerpetual(ProtocolError):
    """This subaccount and perpetual were already liquidated in this block (LIQ-3, LIQ-4)."""

    code = "SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL"


class LiquidationExceedsSubaccountMaxNotionalLiquidated(ProtocolError):
    """The notional liquidated is above the subaccount's block limit (LIQ-3; a panic in v4 when found in state)."""

    code = "LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED"


class LiquidationExceedsSubaccountMaxInsuranceLost(ProtocolError):
    """The insurance fund lost is above the subaccount's block limit (LIQ-4; a panic in v4 when found in state)."""

    code = "LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST"


class InvalidQuantumsForInsuranceFundDeltaCalculation(ProtocolError):
    """The fill amount is zero (LIQ-9)."""

    code = "INVALID_QUANTUMS_FOR_INSURANCE_FUND_DELTA_CALCULATION"


class InsuranceFundHasInsufficientFunds(ProtocolError):
    """The insurance fund cannot pay this delta (INS-1)."""

    code = "INSURANCE_FUND_HAS_INSUFFICIENT_FUNDS"


class SubaccountNotLiquidatable(ProtocolError):
    """The subaccount is not liquidatable: MMR is 0 or NC >= MMR (MARGIN-6)."""

    code = "SUBACCOUNT_NOT_LIQUIDATABLE"


class ZeroTotalMaintenanceMargin(ProtocolError):
    """The subaccount's total maintenance margin is 0, so neither price is defined (LIQ-6, LIQ-7; a division-by-zero panic in v4)."""

    code = "ZERO_TOTAL_MAINTENANCE_MARGIN"


class PositiveDeltaMaintenanceMargin(ProtocolError):
    """Closing part of a position raised its maintenance margin (LIQ-6; a panic in v4, unreachable with monotone margins)."""

    code = "POSITIVE_DELTA_MAINTENANCE_MARGIN"


class NegativeFillablePrice(ProtocolError):
    """The fillable price is negative: the spread is larger than the position's value (LIQ-7, LIQ-8; a panic in v4)."""

    code = "NEGATIVE_FILLABLE_PRICE"


class DuplicatePerpetualId(CatalogueError):
    """A catalogue input lists the same perpetual id twice, among perpetuals or among positions (LIQ-6)."""

    code = "DUPLICATE_PERPETUAL_ID"


class FailedToUpdateSubaccounts(CatalogueError):
    """A deleveraging fill fails a side's collateral check: v4's ``ErrFailedToUpdateSubaccounts`` (DEL-3)."""

    code = "FAILED_TO_UPDATE_SUBACCOUNTS"


# --- proposed oracle prices (PRICE-9, PRICE-11) ----------------------------------------------


class IndexPriceNotAvailable(ProtocolError):
    """A price is proposed for a market whose sources give no index price (too few fresh ones)."""

    code = "INDEX_PRICE_NOT_AVAILABLE"


class ProposedPriceChangeTooSmall(ProtocolError):
    """A proposed price moves less than the market's minimum price change (Go: ErrInvalidMarketPriceUpdateDeterministic)."""

    code = "PROPOSED_PRICE_CHANGE_TOO_SMALL"


class ProposedPriceNotAccurate(ProtocolError):
    """A proposed price moves away from the index price or crosses it too far (Go: ErrInvalidMarketPriceUpdateNonDeterministic)."""

    code = "PROPOSED_PRICE_NOT_ACCURATE"
