"""The ``mtqa`` command: the Typer app, its sub-commands (one module each) and the console script."""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import List, Optional

import typer

from mtqa._version import __version__
from mtqa.cli import check_cmd, eval_cmd, models_cmd, report_cmd, serve_cmd, strip_cmd
from mtqa.cli.batch import safe_line

app = typer.Typer(
    name="mtqa",
    help="Find garbled sentences in machine-translated news, with no source text and no reference.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtqa {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """mtqa checks machine-translated articles sentence by sentence and flags what an editor must repair."""


for _module in (check_cmd, models_cmd, strip_cmd, eval_cmd, report_cmd, serve_cmd):
    _module.register(app)


def _quiet_broken_pipe() -> None:
    """A reader that stopped early (``mtqa score ... | head``): end quietly, as Unix tools do.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


def entry(argv: Optional[List[str]] = None) -> None:
    """The console script: usage errors (unknown option, bad value, missing argument) end in one
    ``mtqa: error:`` line and exit 2, like every other error a user can cause."""
    try:  # Typer carries its own copy of click in recent releases
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover - older Typer on the public click
        from click import exceptions as click

    if hasattr(signal, "SIGPIPE"):  # a reader that stops early ends mtqa as it ends any Unix tool
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    command = typer.main.get_command(app)
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = command.main(args=argv or ["--help"], prog_name="mtqa", standalone_mode=False)
    except click.UsageError as exc:
        if not exc.format_message().strip():  # a command group called bare: its help is shown
            sys.exit(2)
        where = f" (see 'mtqa {exc.ctx.info_name} --help')" if exc.ctx is not None and exc.ctx.parent else ""
        typer.echo(f"mtqa: error: {safe_line(exc.format_message())}{where}", err=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("mtqa: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _quiet_broken_pipe()
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError):
        _quiet_broken_pipe()
    sys.exit(code if isinstance(code, int) else 0)
