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
