----------------------------- MODULE LedgerTrace -----------------------------
(***************************************************************************)
(* Trace validation of the Python reference against Ledger (design A of    *)
(* shared/protocol/verification-techniques.md, section 2.3).              *)
(*                                                                         *)
(* perpspec.verify.traces writes TraceData.tla: the constants of the run   *)
(* and Trace, a sequence of [action, args, state] records, one for the     *)
(* genesis and one per message, where state holds every Ledger variable    *)
(* after the message.  The counter i is the position in the trace; each    *)
(* step must be the named Ledger action with the logged arguments and must *)
(* end in the logged state.  StepAccepted fails at the first step that no  *)
(* Ledger action explains.                                                  *)
(***************************************************************************)
EXTENDS Ledger, TraceData, Sequences

VARIABLE i

traceVars == <<vars, i>>

\* The current state is the logged state s.
IsState(s) ==
    /\ usdc = s.usdc
    /\ pos = s.pos
    /\ price = s.price
    /\ oi = s.oi
    /\ deposited = s.deposited
    /\ withdrawn = s.withdrawn
    /\ pool = s.pool
    /\ gated = s.gated
    /\ last = s.last

\* The next state is the logged state s (primes on the variables only, so that
\* the trace index is not primed with them).
IsNextState(s) ==
    /\ usdc' = s.usdc
    /\ pos' = s.pos
    /\ price' = s.price
    /\ oi' = s.oi
    /\ deposited' = s.deposited
    /\ withdrawn' = s.withdrawn
    /\ pool' = s.pool
    /\ gated' = s.gated
    /\ last' = s.last

\* The Ledger action the log names, with the logged arguments.
Replay(e) ==
    CASE e.action = "Deposit"      -> Deposit(e.args.account, e.args.amount)
      [] e.action = "Withdraw"     -> Withdraw(e.args.account, e.args.amount)
      [] e.action = "Transfer"     -> Transfer(e.args.sender, e.args.recipient, e.args.amount)
      [] e.action = "SetPrice"     -> SetPrice(e.args.price)
      [] e.action = "AdvanceBlock" -> AdvanceBlock
      [] e.action = "Invalid"      -> Invalid
      [] OTHER                     -> FALSE

TraceInit ==
    /\ i = 1
    /\ Trace[1].action = "Genesis"
    /\ IsState(Trace[1].state)
    /\ Genesis

TraceNext ==
    /\ i < Len(Trace)
    /\ Replay(Trace[i + 1])
    /\ IsNextState(Trace[i + 1].state)
    /\ i' = i + 1

TraceSpec == TraceInit /\ [][TraceNext]_traceVars

\* Every logged step is explained by its Ledger action.
StepAccepted == i < Len(Trace) => ENABLED TraceNext

=============================================================================
