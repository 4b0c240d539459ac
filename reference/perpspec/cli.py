"""
The ``perpspec`` command.

- ``perpspec verify [--quick]``: the checks, with a summary table.
- ``perpspec eval``: JSON lines of catalogue requests on stdin, one answer per line.
- ``perpspec apply [--genesis FILE]``: JSON lines of messages on stdin; for each, its
  events or error and the state hash after it.
- ``perpspec genesis``: print the embedded default genesis.
- ``perpspec conformance generate|run``: write the conformance vectors, or run them
  against an adapter (conformance/FORMAT.md, conformance/ADAPTER.md).
- ``perpspec simulate crash``: a seeded market crash through the state machine, with a JSON
  summary, a terminal table and an optional plot (``perpspec.crash``).

``eval`` and ``apply`` read stdin as bytes, by the line rules of spec/json.md (JSON-1, JSON-2): each line
decoded as UTF-8 by itself, lines of JSON white space skipped, every other line answered
exactly once, and each answer flushed as it is made.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from perpspec import errors
from perpspec.jsonio import UndecodableLine, iter_lines, parse_json


def _write(out: TextIO, obj: object) -> None:
    out.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=True) + "\n")
    out.flush()


def command_eval(stdin: BinaryIO, stdout: TextIO) -> int:
    """One answer per line that JSON-1 does not skip, in order, each flushed (CAT-2, CAT-5)."""
    from perpspec.catalogue import evaluate_line

    for line in iter_lines(stdin):
        _write(stdout, evaluate_line(line))
    return 0


def _load_genesis(path: str | None) -> Any:
    """The state of a genesis file: UTF-8, strict JSON (JSON-2), then GEN-2; any failure is INVALID_GENESIS."""
    from perpspec.default_genesis import default_genesis
    from perpspec.genesis import load_genesis

    if path is None:
        return default_genesis()
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise errors.InvalidGenesis(f"cannot read {path}: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise errors.InvalidGenesis(f"{path} is not UTF-8: {error.reason} at byte {error.start}") from None
    try:
        obj = parse_json(text, errors.InvalidGenesis)
    except errors.InvalidGenesis as error:
        raise errors.InvalidGenesis(f"{path}: {error.message}") from None
    return load_genesis(obj)


def read_message_line(line: str | UndecodableLine) -> Any:
    """A message line as strict JSON (JSON-1, JSON-2); a line they refuse is MALFORMED_MESSAGE (TX-5)."""
    if isinstance(line, UndecodableLine):
        raise errors.MalformedMessage(line.message)
    return parse_json(line, errors.MalformedMessage)


def command_apply(genesis: str | None, stdin: BinaryIO, stdout: TextIO) -> int:
    """One answer per line that JSON-1 does not skip, each with the state hash after it (TX-5)."""
    from perpspec.codec import state_hash
    from perpspec.transition import apply_json

    state = _load_genesis(genesis)
    _write(stdout, {"genesisStateHash": state_hash(state)})
    for line in iter_lines(stdin):
        try:
            answer = apply_json(state, read_message_line(line)).to_json()
        except errors.MalformedMessage as error:
            answer = {"error": error.to_json()}
        _write(stdout, {**answer, "stateHash": state_hash(state)})
    return 0


def command_genesis(stdout: TextIO) -> int:
    from perpspec.default_genesis import default_genesis_json

    stdout.write(json.dumps(default_genesis_json(), indent=2) + "\n")
    return 0


def command_conformance(args: argparse.Namespace) -> int:
    if args.conformance_command == "generate":
        from perpspec.conformance.generate import command_generate

        return command_generate(args.out)
    from perpspec.conformance.runner import command_run

    return command_run(
        args.adapter, args.vectors, args.error_map, args.exclude, args.strict, args.timeout, args.max_failures
    )


def command_simulate_crash(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run the crash, print its table, write the JSON summary and the plot when asked (without matplotlib: a hint)."""
    from perpspec.crash import PLOT_INSTALL_HINT, CrashConfig, encode_summary, format_table, run_crash, write_plot

    try:
        leverage_min, leverage_max = (int(x) for x in args.leverage.split(":"))
    except ValueError:
        print(f"perpspec: --leverage wants MIN:MAX in whole multiples, got {args.leverage!r}", file=stderr)
        return 2
    config = CrashConfig(
        seed=args.seed,
        subaccounts=args.subaccounts,
        markets=tuple(args.markets.split(",")),
        crash_pct=args.crash,
        blocks=args.blocks,
        crash_blocks=args.crash_blocks,
        recover_pct=args.recover,
        leverage_min=leverage_min,
        leverage_max=leverage_max,
        mm_level_usd=args.mm_depth,
        insurance_fund_usd=args.insurance_fund,
    )
    try:
        summary, _ = run_crash(config, progress=None if args.quiet else stderr)
    except ValueError as error:
        print(f"perpspec: {error}", file=stderr)
        return 2
    stdout.write(format_table(summary) + "\n")
    if args.json_path is not None:
        args.json_path.write_bytes(encode_summary(summary))
        print(f"wrote {args.json_path}", file=stderr)
    if args.plot is not None:
        try:
            written = write_plot(summary, str(args.plot))
        except ImportError:
            print(f"perpspec: no plot written: {PLOT_INSTALL_HINT}", file=stderr)
            return 1
        print(f"wrote {' and '.join(written)}", file=stderr)
    return 0


def add_simulate_parser(commands: Any) -> None:
    """The ``simulate`` command and its ``crash`` subcommand."""
    simulate = commands.add_parser("simulate", help="seeded simulations through the state machine")
    simulations = simulate.add_subparsers(dest="simulation", required=True)
    crash = simulations.add_parser(
        "crash",
        help="a market crash: liquidations, deleveraging, the insurance fund, the gate",
        description="A seeded population of leveraged subaccounts and a market maker through a price crash, "
        "every step a message through apply_json (perpspec.crash).",
    )
    crash.add_argument("--seed", type=int, default=1, help="the seed of the population and the path (default 1)")
    crash.add_argument("--subaccounts", type=int, default=300, help="traders (default 300)")
    crash.add_argument(
        "--markets", default="BTC-USD,ETH-USD,SOL-USD", help="comma-separated tickers (default: the genesis's three)"
    )
    crash.add_argument("--crash", type=int, default=30, metavar="PCT", help="the fall, in %% of the start (default 30)")
    crash.add_argument("--blocks", type=int, default=40, help="blocks simulated (default 40)")
    crash.add_argument("--crash-blocks", type=int, default=6, help="blocks the fall takes, after 3 flat (default 6)")
    crash.add_argument(
        "--recover", type=int, default=0, metavar="PCT", help="then a rise by PCT%% of the start over as many blocks"
    )
    crash.add_argument("--leverage", default="1:20", metavar="MIN:MAX", help="the leverage spread (default 1:20)")
    crash.add_argument(
        "--mm-depth", type=int, default=50_000, metavar="USD", help="the market maker's size per level (default 50000)"
    )
    crash.add_argument(
        "--insurance-fund", type=int, default=50_000, metavar="USD", help="the fund at genesis (default 50000)"
    )
    crash.add_argument("--json", type=Path, dest="json_path", help="write the summary (deterministic JSON) here")
    crash.add_argument("--plot", type=Path, help="write the plot here (PATH.png and PATH.svg; needs matplotlib)")
    crash.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perpspec", description=__doc__.split("\n\n")[0].strip())
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="run the checks and print the summary table")
    verify.add_argument("--quick", action="store_true", help="CI-sized budgets")
    verify.add_argument("--seeds", type=int, help="random-run seeds")
    verify.add_argument("--steps", type=int, help="messages per random run")
    verify.add_argument("--repo", type=Path, help="the checkout (default: found from the current directory)")
    verify.add_argument("--json", type=Path, dest="json_path", help="also write the report as JSON to this file")
    verify.add_argument("--markdown", type=Path, dest="markdown_path", help="also write the report as Markdown")
    verify.add_argument(
        "--only", action="append", metavar="WORD", help="run only the steps whose name contains WORD (repeatable)"
    )
    commands.add_parser("eval", help="evaluate catalogue functions: JSON lines on stdin")
    apply = commands.add_parser("apply", help="apply messages: JSON lines on stdin")
    apply.add_argument("--genesis", help="a genesis JSON file (default: the embedded default markets)")
    commands.add_parser("genesis", help="print the embedded default genesis")
    conformance = commands.add_parser("conformance", help="generate or run the conformance vectors")
    conformance_commands = conformance.add_subparsers(dest="conformance_command", required=True)
    generate = conformance_commands.add_parser("generate", help="write the vectors (deterministic)")
    generate.add_argument("--out", type=Path, help="the vectors folder (default: conformance/vectors of the checkout)")
    run = conformance_commands.add_parser("run", help="run the vectors against an adapter")
    run.add_argument(
        "--adapter",
        help='the adapter command, e.g. "node conformance/adapters/node/adapter.js" (default: the reference)',
    )
    run.add_argument("--vectors", type=Path, help="the vectors folder (default: conformance/vectors of the checkout)")
    run.add_argument("--error-map", type=Path, help="a JSON object mapping the adapter's error codes to canonical ones")
    run.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="REGEX",
        help="skip vector files whose path matches (repeatable)",
    )
    run.add_argument("--strict", action="store_true", help="count unsupported vectors as failures")
    run.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each answer (default 60)")
    run.add_argument("--max-failures", type=int, default=50, help="failing vectors to list (default 50)")
    add_simulate_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "verify":
            # verify runs the strict checks unless told otherwise (INV-8); set before perpspec.config is read
            os.environ.setdefault("PERPSPEC_CONTRACTS", "strict")
            from perpspec.verify.runner import run_verify

            return run_verify(
                args.quick, args.seeds, args.steps, args.repo, args.json_path, args.markdown_path, args.only
            )
        if args.command == "eval":
            return command_eval(sys.stdin.buffer, sys.stdout)
        if args.command == "apply":
            return command_apply(args.genesis, sys.stdin.buffer, sys.stdout)
        if args.command == "conformance":
            return command_conformance(args)
        if args.command == "simulate":
            return command_simulate_crash(args, sys.stdout, sys.stderr)
        return command_genesis(sys.stdout)
    except errors.PerpspecError as error:
        print(f"perpspec: {error.code}: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
