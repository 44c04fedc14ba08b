"""``mtqa eval labels|pairs|seed|words`` and ``mtqa calibrate``: measure the checker and fit a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import typer

from mtqa.extensions import SIGNALS

eval_app = typer.Typer(
    name="eval", help="Measure how well mtqa finds garbled sentences (every figure with n and a 95% CI).",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)

FormatOpt = typer.Option("table", "--format", "-f", help="Output format: table or json.")
SignalsOpt = typer.Option(None, "--signals", help=f"Comma-separated signals to run: {', '.join(SIGNALS)} (default: all; a signal whose model is missing is skipped).")
ModelsDirOpt = typer.Option(None, "--models-dir", help="Model directory.")
ProfileOpt = typer.Option(None, "--profile", help="Scoring profile TOML (from `mtqa calibrate`).")
RequireOpt = typer.Option(False, "--require-models", help="Fail (exit 2) when a model is missing.")
BatchOpt = typer.Option(None, "--batch-size", help="Sentences per model batch (does not change scores).")
ResamplesOpt = typer.Option(1000, "--resamples", help="Bootstrap resamples for the 95% intervals.")
SeedOpt = typer.Option(0, "--seed", help="Seed for bootstrap resampling and --sample.")
ChunkOpt = typer.Option(30, "--chunk", help="Rows scored together as one document (the scoring compares a sentence with its neighbours).")
AblateOpt = typer.Option(False, "--ablate", help="Also measure with each signal removed in turn.")


def _guard(action: Callable[[], dict], fmt: str, render: Callable[[dict], str]) -> None:
    """Run an eval; a user's mistake ends with one line on stderr and exit 2."""
    from mtqa.cli.common import fail
    from mtqa.config import ConfigError
    from mtqa.evaluation.drivers import EvalError
    from mtqa.report.json import dumps
    from mtqa.scoring.profile import ProfileError
    from mtqa.signals.base import SignalUnavailable

    if fmt not in ("table", "json"):
        raise fail(f"unknown format {fmt!r}; choose one of table, json")
    try:
        result = action()
    except (EvalError, ConfigError, ProfileError) as exc:
        raise fail(str(exc)) from None
    except SignalUnavailable as exc:
        raise fail(f"{exc.name}: {exc.reason}" + (f"; {exc.fix}" if exc.fix else "")) from None
    typer.echo(dumps(result) if fmt == "json" else render(result))


def _config(signals, models_dir, profile, require_models, batch_size):
    from mtqa.cli.common import build_config

    return build_config(signals=signals, models_dir=models_dir, profile=profile,
                        require_models=require_models, batch_size=batch_size)


# ---- rendering ------------------------------------------------------------------------------


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _fig(name: str, f: dict) -> str:
    return f"  {name:<40} {_num(f['value']):>7}  [{_num(f['low'])}, {_num(f['high'])}]  n={f['n']}"


def _head(r: dict) -> list[str]:
    out = [f"mtqa {r['command']}: {r.get('dataset', r.get('article', {})).get('path')}",
           f"signature: {r['signature']}"]
    out += [f"skipped: {s['name']} ({s['reason']})" for s in r.get("skipped_signals", [])]
    if "bootstrap" in r:
        b = r["bootstrap"]
        out.append(f"95% bootstrap intervals, {b['resamples']} resamples, seed {b['seed']}")
    return out


def _label_block(title: str, m: dict) -> list[str]:
    out = [f"{title} (n={m['n']}, garbled={m['positives']}, flagged={m['flagged']})"]
    out += [_fig(k, m[k]) for k in ("auroc", "average_precision", "precision", "recall", "f1")]
    return out


def render_labels(r: dict) -> str:
    out = _head(r) + [""] + _label_block("all rows", r["overall"])
    for cat, m in r.get("categories", {}).items():
        out += [""] + _label_block(f"category {cat}", m)
    for ab in r.get("ablation", []):
        out += [""] + _label_block(f"without {ab['removed']} [{ab['signature']}]", ab)
    return "\n".join(out)


def _pair_line(name: str, m: dict) -> str:
    return _fig(name, m["accuracy"]) + f"  ties={m['ties']}"


def render_pairs(r: dict) -> str:
    out = _head(r) + ["", "pairwise accuracy (bad scored strictly lower; ties count as failures)",
                      _pair_line("all pairs", r["overall"])]
    for col in ("visibility", "perturbation"):
        for value, m in r.get(f"by_{col}", {}).items():
            out.append(_pair_line(f"{col} {value}", m))
    for ab in r.get("ablation", []):
        out.append(_pair_line(f"without {ab['removed']}", ab) + f"  [{ab['signature']}]")
    return "\n".join(out)


def render_words(r: dict) -> str:
    d = r["dataset"]
    return "\n".join(_head(r) + [
        "", f"word level: {r['prediction']} vs {d['tags']} tags (BAD rate {_num(d['bad_rate'])}; "
            f"{d['rows_left_out']} rows left out); predicted BAD {_num(r['predicted_bad_rate'])}",
        _fig("MCC", r["mcc"]), _fig("precision (BAD)", r["precision_bad"]), _fig("recall (BAD)", r["recall_bad"])])


def render_seed(r: dict) -> str:
    out = _head(r) + [f"labels: {r['labels']['n']}, not found: {r['labels']['not_found']}; 95% Wilson intervals", ""]
    for name, f in r["figures"].items():
        out.append(_fig(name, f) + f"  ({f['count']}/{f['n']}, not found {f['not_found']})")
    out.append("")
    for s in r["sentences"]:
        state = "not found" if not s["found"] else f"{s['kind']}{' FLAGGED' if s['flagged'] else ''}"
        out.append(f"  {s['line']:>3}  {s['label']:<22} {state:<20} {s['starts_with'][:50]}")
    return "\n".join(out)


def render_realworld(r: dict) -> str:
    d = r["dataset"]
    out = _head(r) + [f"articles: {d['articles']}, label rows: {d['rows']}; 95% Wilson intervals "
                      "(Spearman: bootstrap over articles)", ""]
    for name, f in r["figures"].items():
        count = f"  ({f['count']}/{f['n']})" if "count" in f else ""
        out.append(_fig(name, f) + count)
    return "\n".join(out)


def render_calibrate(r: dict) -> str:
    return "\n".join([
        f"wrote {r['profile']} (profile {r['name']}, n={r['n']}, garbled={r['positives']})",
        f"features: {', '.join(r['features']) or '(none: only the base rate)'}",
        f"threshold p >= {r['threshold']:.4f} for {r['target']} "
        f"({'reached' if r['target_reached'] == 'true' else 'NOT reached'} out of fold: "
        f"precision {r['cv_precision'] or 'n/a'}, recall {r['cv_recall'] or 'n/a'})",
        f"signature: {r['signature']}",
    ])


# ---- commands -------------------------------------------------------------------------------


@eval_app.command("labels")
def labels_cmd(
    path: str = typer.Argument(..., help="TSV with a text and a label column (.gz allowed)."),
    text_col: str = typer.Option("text", "--text-col", help="Column with the sentence."),
    label_col: str = typer.Option("label", "--label-col", help="Column with the label."),
    category_col: Optional[str] = typer.Option(None, "--category-col", help="Also report per value of this column."),
    positive: Optional[str] = typer.Option(None, "--positive", help="Labels that mean garbled, comma-separated "
                                           "(default: 1, garbled, major, minor, bad, true, yes; every other label is fine)."),
    ignore: str = typer.Option("", "--ignore", help="Labels whose rows are left out, comma-separated (e.g. awkward)."),
    resamples: int = ResamplesOpt, seed: int = SeedOpt, chunk: int = ChunkOpt, ablate: bool = AblateOpt,
    fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt, models_dir: Optional[Path] = ModelsDirOpt,
    profile: Optional[str] = ProfileOpt, require_models: bool = RequireOpt, batch_size: Optional[int] = BatchOpt,
) -> None:
    """AUROC, average precision and precision/recall/F1 at the flag decision on labelled sentences.

    Labels: 1/garbled/major/minor/bad count as garbled; 0/ok/awkward/good/title/heading as fine.

    Example: mtqa eval labels sentences.tsv --label-col severity --category-col source --ignore awkward
    """
    from mtqa.evaluation.drivers import eval_labels, positives_of

    _guard(lambda: eval_labels(
        path, _config(signals, models_dir, profile, require_models, batch_size), text_col=text_col,
        label_col=label_col, category_col=category_col, positive=positives_of(positive),
        ignore=tuple(w.strip() for w in ignore.split(",") if w.strip()), resamples=resamples, seed=seed,
        chunk=chunk, ablate=ablate), fmt, render_labels)


@eval_app.command("pairs")
def pairs_cmd(
    path: str = typer.Argument(..., help="TSV of (good, bad) pairs, columns good, bad [perturbation, visibility]; .gz allowed."),
    visibility: Optional[str] = typer.Option(None, "--visibility", help="Only pairs of this visibility (e.g. grammar)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N pairs (after --visibility/--sample)."),
    sample: Optional[int] = typer.Option(None, "--sample", help="A random sample of N pairs (with --seed)."),
    resamples: int = ResamplesOpt, seed: int = SeedOpt, chunk: int = ChunkOpt, ablate: bool = AblateOpt,
    fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt, models_dir: Optional[Path] = ModelsDirOpt,
    profile: Optional[str] = ProfileOpt, require_models: bool = RequireOpt, batch_size: Optional[int] = BatchOpt,
) -> None:
    """Pairwise accuracy: how often the damaged sentence scores strictly lower than the good one.

    Example: mtqa eval pairs data/dev/demetr-flores-pairs.tsv.gz --visibility grammar --sample 500
    """
    from mtqa.evaluation.drivers import eval_pairs

    _guard(lambda: eval_pairs(
        path, _config(signals, models_dir, profile, require_models, batch_size), visibility=visibility,
        limit=limit, sample=sample, seed=seed, resamples=resamples, chunk=chunk, ablate=ablate),
        fmt, render_pairs)


@eval_app.command("words")
def words_cmd(
    path: str = typer.Argument(..., help="TSV with a sentence, its tokens and one OK/BAD tag per token (MLQE-PE: mt, mt_tok, word_tags); .gz allowed."),
    text_col: str = typer.Option("mt", "--text-col", help="Column with the sentence."),
    tokens_col: str = typer.Option("mt_tok", "--tokens-col", help="Column with the space-separated tokens."),
    tags_col: str = typer.Option("word_tags", "--tags-col", help="Column with one tag per token."),
    flag_spans: bool = typer.Option(False, "--flag-spans", help="Also count flag spans shorter than half the sentence."),
    resamples: int = ResamplesOpt, seed: int = SeedOpt, chunk: int = ChunkOpt,
    fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt, models_dir: Optional[Path] = ModelsDirOpt,
    profile: Optional[str] = ProfileOpt, require_models: bool = RequireOpt, batch_size: Optional[int] = BatchOpt,
) -> None:
    """Word level: MCC, precision and recall of the suspect words against OK/BAD word tags.

    Example: mtqa eval words /data/mlqe-pe/et-en-dev.tsv
    """
    from mtqa.evaluation.drivers import eval_words

    _guard(lambda: eval_words(
        path, _config(signals, models_dir, profile, require_models, batch_size), text_col=text_col,
        tokens_col=tokens_col, tags_col=tags_col, flag_spans=flag_spans, resamples=resamples, seed=seed,
        chunk=chunk), fmt, render_words)


@eval_app.command("seed")
def seed_cmd(
    article: Optional[str] = typer.Option(
        None, "--article", help="The article to check (default: data/seed-article.txt, here or in the mtqa repository)."),
    labels: Optional[str] = typer.Option(
        None, "--labels", help="Labels: line, label, sentence_starts_with (default: data/seed-labels.tsv, likewise)."),
    fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt, models_dir: Optional[Path] = ModelsDirOpt,
    profile: Optional[str] = ProfileOpt, require_models: bool = RequireOpt, batch_size: Optional[int] = BatchOpt,
) -> None:
    """Check the seed article and compare with its labels: garbled found, false flags, junk set aside."""
    from mtqa.evaluation.drivers import SEED_ARTICLE, SEED_LABELS, eval_seed, seed_file

    _guard(lambda: eval_seed(article or seed_file(SEED_ARTICLE), labels or seed_file(SEED_LABELS),
                             _config(signals, models_dir, profile, require_models, batch_size)),
           fmt, render_seed)


@eval_app.command("realworld")
def realworld_cmd(
    folder: str = typer.Argument(..., help="A folder with labels.tsv and articles/ (file, line, sentence_starts_with, label, note)."),
    fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt, models_dir: Optional[Path] = ModelsDirOpt,
    profile: Optional[str] = ProfileOpt, require_models: bool = RequireOpt, batch_size: Optional[int] = BatchOpt,
    resamples: int = ResamplesOpt, seed: int = SeedOpt,
) -> None:
    """Check labelled real pages: garbled recall, precision, junk set aside, titles, article score vs garbled share."""
    from mtqa.evaluation.realworld import eval_realworld

    _guard(lambda: eval_realworld(folder, _config(signals, models_dir, profile, require_models, batch_size),
                                  resamples=resamples, seed=seed),
           fmt, render_realworld)


def calibrate_cmd(
    path: str = typer.Argument(..., help="Labelled TSV (text, label) or, with --pairs, a pairs TSV."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the profile TOML."),
    pairs: bool = typer.Option(False, "--pairs", help="PATH is a pairs file: good = fine, bad = garbled."),
    precision: Optional[float] = typer.Option(None, "--precision", help="Flag threshold for this precision (default 0.9)."),
    recall: Optional[float] = typer.Option(None, "--recall", help="Flag threshold for this recall instead."),
    name: Optional[str] = typer.Option(None, "--name", help="Profile name in signatures (default: the file's stem)."),
    text_col: str = typer.Option("text", "--text-col"), label_col: str = typer.Option("label", "--label-col"),
    positive: Optional[str] = typer.Option(None, "--positive", help="Labels that mean garbled, comma-separated."),
    chunk: int = ChunkOpt, fmt: str = FormatOpt, signals: Optional[str] = SignalsOpt,
    models_dir: Optional[Path] = ModelsDirOpt, require_models: bool = RequireOpt,
    batch_size: Optional[int] = BatchOpt,
) -> None:
    """Fit how the signals combine (logistic regression) and the flag threshold; write a profile.

    Example: mtqa calibrate labelled.tsv --precision 0.9 -o newsroom.toml && mtqa flags story.txt --profile newsroom.toml
    """
    from mtqa.evaluation.calibrate import calibrate
    from mtqa.evaluation.drivers import positives_of

    # Features come from the raw signals, so the fit never depends on the profile in use.
    _guard(lambda: calibrate(
        path, output, _config(signals, models_dir, None, require_models, batch_size), pairs=pairs, name=name,
        precision=precision, recall=recall, text_col=text_col, label_col=label_col,
        positive=positives_of(positive), chunk=chunk), fmt, render_calibrate)


def register(app: typer.Typer) -> None:
    """Add ``eval`` (labels, pairs, seed) and ``calibrate`` to ``app``."""
    app.add_typer(eval_app, name="eval")
    app.command("calibrate")(calibrate_cmd)
