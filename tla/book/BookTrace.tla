------------------------------ MODULE BookTrace ------------------------------
(***************************************************************************)
(* Trace validation of the Python reference's matching engine against Book *)
(* (design A of shared/protocol/verification-techniques.md, section 2.3).  *)
(*                                                                         *)
(* perpspec.verify.book_model writes BookTraceData.tla: the constants of   *)
(* the run and Trace, a sequence of [action, args, state] records, one for *)
(* the empty genesis book and one per message, where state holds every     *)
(* Book variable after the message (orders, book, fills, pos), mapped from *)
(* the reference: prices in ticks, sizes in steps.  The counter i is the   *)
(* position in the trace; each step must be the named Book action (Place,  *)
(* PlaceIOC, PlacePostOnly, Cancel) with the logged arguments and must end *)
(* in the logged state.  StepAccepted fails at the first step that no Book *)
(* action explains; CROSS_1, PRIO_1 and CONS_3 are checked on every state. *)
(* StepAccepted does not use ENABLED TraceNext (see Explained below).      *)
(***************************************************************************)
EXTENDS Book, BookTraceData, Sequences

VARIABLE i

traceVars == <<vars, i>>

\* The current state is the logged state s.
IsState(s) ==
    /\ orders = s.orders
    /\ book = s.book
    /\ fills = s.fills
    /\ pos = s.pos

\* The next state is the logged state s (primes on the Book variables only).
IsNextState(s) ==
    /\ orders' = s.orders
    /\ book' = s.book
    /\ fills' = s.fills
    /\ pos' = s.pos

\* The Book action the log names, with the logged arguments (BOOK-1, MATCH-1..6).
Replay(e) ==
    CASE e.action = "Place"         -> Place(e.args.owner, e.args.side, e.args.price, e.args.size, e.args.fail)
      [] e.action = "PlaceIOC"      -> PlaceIOC(e.args.owner, e.args.side, e.args.price, e.args.size, e.args.fail)
      [] e.action = "PlacePostOnly" -> PlacePostOnly(e.args.owner, e.args.side, e.args.price, e.args.size, e.args.fail)
      [] e.action = "Cancel"        -> Cancel(e.args.id)
      [] OTHER                      -> FALSE

TraceInit ==
    /\ i = 1
    /\ Trace[1].action = "Genesis"
    /\ IsState(Trace[1].state)
    /\ Init

TraceNext ==
    /\ i < Len(Trace)
    /\ Replay(Trace[i + 1])
    /\ IsNextState(Trace[i + 1].state)
    /\ i' = i + 1

TraceSpec == TraceInit /\ [][TraceNext]_traceVars

\* The logged step e is explained by its Book action: the action's (deterministic)
\* successor of the current state is the logged state.  This is ENABLED TraceNext, written
\* with the functions the Book actions are made of: TLC 2.15 evaluates ENABLED of the
\* recursive matching without caching, in time exponential in the fills of one placement.
Explained(e) ==
    CASE e.action = "Place"         -> SubmitResult(e.args.owner, e.args.side, e.args.price, e.args.size, "GTT", e.args.fail) = e.state
      [] e.action = "PlaceIOC"      -> SubmitResult(e.args.owner, e.args.side, e.args.price, e.args.size, "IOC", e.args.fail) = e.state
      [] e.action = "PlacePostOnly" -> SubmitResult(e.args.owner, e.args.side, e.args.price, e.args.size, "POST", e.args.fail) = e.state
      [] e.action = "Cancel"        -> e.args.id \in 1..Len(orders) /\ CancelResult(e.args.id) = e.state
      [] OTHER                      -> FALSE

\* Every logged step is explained by its Book action (the invariant fails at the last
\* state TLC could match, so the counterexample ends just before the unexplained step).
StepAccepted == i < Len(Trace) => Explained(Trace[i + 1])

=============================================================================
