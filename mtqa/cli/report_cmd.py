"""``mtqa schema`` (the JSON Schema of the JSON report) and ``mtqa profile`` (the scoring profile)."""

from __future__ import annotations

from importlib import resources

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
    def profile() -> None:
        """Print the built-in scoring profile as TOML, to edit and pass back with --profile.

        Example:

          mtqa profile > newsroom.toml   # edit thresholds and weights

          mtqa check wire/ --profile newsroom.toml
        """
        from mtqa.scoring.profile import Profile, profile_toml

        typer.echo(profile_toml(Profile()), nl=False)
