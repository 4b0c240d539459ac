-------------------------- MODULE LiquidationTrace --------------------------
(***************************************************************************)
(* Trace validation of the Python reference's risk engine against          *)
(* Liquidation (design A of shared/protocol/verification-techniques.md,   *)
(* section 2.3).  perpspec.verify.liquidation_model writes                 *)
(* LiquidationTraceData.tla: the constants of a seeded random ledger run   *)
(* (../ledger's exact genesis: one perpetual, no clob pair, no funding)    *)
(* and Trace, one [action, args, state] record for the genesis and one per *)
(* step.  A block is logged as one Deleverage step per DeleveragingFill    *)
(* event of its phases, each with the state after that fill, then          *)
(* EndBlockPhases with the state after the block; an oracle update is      *)
(* SetPrice; every other message is LedgerMessage.  Each step must be the  *)
(* named action with the logged arguments ending in the logged state: the  *)
(* fill's size (DEL-2) and quote (LIQ-6, the bankruptcy price of the       *)
(* liquidated subaccount as it stands) are the model's own, both sides     *)
(* pass the collateral check, and gating follows DEL-5.                     *)
(***************************************************************************)
EXTENDS Liquidation, LiquidationTraceData, Sequences

VARIABLE i

traceVars == <<vars, i>>

\* The logged state s (last is the model's own record of the step, not logged).
IsState(s) ==
    /\ usdc = s.usdc
    /\ pos = s.pos
    /\ price = s.price
    /\ oi = s.oi
    /\ fund = s.fund
    /\ supply = s.supply
    /\ status = s.status
    /\ gated = s.gated

IsNextState(s) ==
    /\ usdc' = s.usdc
    /\ pos' = s.pos
    /\ price' = s.price
    /\ oi' = s.oi
    /\ fund' = s.fund
    /\ supply' = s.supply
    /\ status' = s.status
    /\ gated' = s.gated

Replay(e) ==
    CASE e.action = "Deleverage"     -> Deleverage(e.args.liquidated, e.args.offsetting)
      [] e.action = "LiquidationFill" -> LiquidationFill(e.args.liquidated, e.args.maker, e.args.size, e.args.price)
      [] e.action = "EndBlockPhases" -> EndBlockPhases
      [] e.action = "SetPrice"       -> SetPrice(e.args.price)
      [] e.action = "LedgerMessage"  -> LedgerMessage(e.state.usdc, e.state.supply)
      [] OTHER                       -> FALSE

TraceInit ==
    /\ i = 1
    /\ Trace[1].action = "Genesis"
    /\ IsState(Trace[1].state)
    /\ last = NoLast

TraceNext ==
    /\ i < Len(Trace)
    /\ Replay(Trace[i + 1])
    /\ IsNextState(Trace[i + 1].state)
    /\ i' = i + 1

TraceSpec == TraceInit /\ [][TraceNext]_traceVars

\* Every logged step is explained by its action.
StepAccepted == i < Len(Trace) => ENABLED TraceNext

=============================================================================
