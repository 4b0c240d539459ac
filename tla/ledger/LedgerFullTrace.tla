--------------------------- MODULE LedgerFullTrace ---------------------------
(***************************************************************************)
(* Trace validation of the Python reference against LedgerFull: design A   *)
(* of shared/protocol/verification-techniques.md, section 2.3, for several *)
(* traces in one TLC run.                                                   *)
(*                                                                         *)
(* perpspec.verify.scenario_traces writes FullTraceData.tla: Traces, a     *)
(* sequence of [name, params, steps] records, one per trace (a conformance *)
(* scenario or a random trace vector).  steps[1] is the genesis; every     *)
(* later step is [action, args, state]: the decoded message, and every     *)
(* LedgerFull variable after it as the reference computed it, including    *)
(* last with the reference's verdict, error code, the figures of its       *)
(* collateral check (funding ppm, settlement, NC/IMR/MMR before and after, *)
(* each update's result) and its price outcomes.                           *)
(*                                                                         *)
(* TLC starts one behaviour per trace (t is the trace, i the step) and     *)
(* takes a step only if the named LedgerFull action with the logged        *)
(* arguments ends exactly in the logged state.  A behaviour that reaches   *)
(* the end of its trace stutters (Done); one stuck before the end is a     *)
(* deadlock, which TLC reports with the matched prefix: that is how a step *)
(* no action explains is found (TLC is run WITHOUT -deadlock).  A          *)
(* StepAccepted invariant written with ENABLED, as in LedgerTrace.tla,     *)
(* does not finish on these actions with TLC 2.15.  A run is accepted only *)
(* with no error and exactly one distinct state per logged state.          *)
(***************************************************************************)
EXTENDS LedgerFull, FullTraceData

VARIABLES t, i

traceVars == <<vars, t, i>>

Steps == Traces[t].steps

IsState(s) ==
    /\ subs = s.subs
    /\ prices = s.prices
    /\ findex = s.findex
    /\ oi = s.oi
    /\ height = s.height
    /\ time = s.time
    /\ outageAt = s.outageAt
    /\ negTncAt = s.negTncAt
    /\ deposited = s.deposited
    /\ withdrawn = s.withdrawn
    /\ pool = s.pool
    /\ insurance = s.insurance
    /\ feeCollector = s.feeCollector
    /\ last = s.last

IsNextState(s) ==
    /\ subs' = s.subs
    /\ prices' = s.prices
    /\ findex' = s.findex
    /\ oi' = s.oi
    /\ height' = s.height
    /\ time' = s.time
    /\ outageAt' = s.outageAt
    /\ negTncAt' = s.negTncAt
    /\ deposited' = s.deposited
    /\ withdrawn' = s.withdrawn
    /\ pool' = s.pool
    /\ insurance' = s.insurance
    /\ feeCollector' = s.feeCollector
    /\ last' = s.last

GenesisLast == [action |-> "Genesis", accepted |-> TRUE, code |-> "", checks |-> <<>>, outcomes |-> <<>>,
                fill |-> <<>>]

TraceInit ==
    /\ t \in DOMAIN Traces
    /\ i = 1
    /\ params = Traces[t].params
    /\ Steps[1].action = "Genesis"
    /\ IsState(Steps[1].state)
    /\ last = GenesisLast

TraceNext ==
    /\ i < Len(Steps)
    /\ Apply(Steps[i + 1].action, Steps[i + 1].args)
    /\ IsNextState(Steps[i + 1].state)
    /\ i' = i + 1
    /\ t' = t

\* The end of a trace: stutter, so that only a behaviour stuck before its end deadlocks.
Done ==
    /\ i = Len(Steps)
    /\ UNCHANGED traceVars

TraceSpec == TraceInit /\ [][TraceNext \/ Done]_traceVars

=============================================================================
