"""``mtqa schema`` (the JSON Schema of the JSON report) and ``mtqa profile`` (the scoring profile)."""

from __future__ import annotations

from importlib import resources
from typing import Optional

import typer


def schema_text() -> str:
    """The packaged schema, exactly as shipped."""
    return resources.files("mtqa.report").joinpath("schema.json").read_text("utf-8")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def schema() -> None:
        """Print the JSON Schema of `--format json` output (each `--format jsonl` line is one item).

        Example:

          mtqa schema > mtqa-report.schema.json
        """
        typer.echo(schema_text(), nl=False)

    @app.command()
    def profile(
        which: Optional[str] = typer.Option(
            None, "--profile", help="The profile to print: the built-in fitted one (default), `handset`, or a FILE."),
    ) -> None:
        """Print the scoring profile in use as TOML, to edit and pass back with --profile.

        Without --profile it is the built-in one, fitted on human judgements (what every check uses
        unless told otherwise); `--profile handset` prints the hand-set combination.

        Example:

          mtqa profile > newsroom.toml   # edit thresholds and weights

          mtqa check wire/ --profile newsroom.toml
        """
        from mtqa.cli.common import fail
        from mtqa.scoring.profile import ProfileError, load_profile, profile_toml

        try:
            loaded = load_profile(which)
        except ProfileError as exc:
            raise fail(str(exc)) from None
        typer.echo(profile_toml(loaded), nl=False)
