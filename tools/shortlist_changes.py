"""How often the decoding shortlist changes a greedy translation, on the models that can be built here.

The sentences are the body sentences of the seed article and the two samples. For each model set
(the tiny models, and opus-mt-sized random models) and each backend
(transformers fp32, CTranslate2 int8) both translation passes run with and without ``--shortlist``;
a pass's output counts as changed when its text differs. Random weights spread their probability
over the whole vocabulary, so these fractions bound nothing for real weights: they show the shortlist
is applied, that both backends apply the same one, and what it leaves in place. With real weights,
run the same comparison with ``--models-dir`` pointing at the pulled models.

    .venv/bin/python tools/shortlist_changes.py [--words 20000] [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [ROOT / "data" / "seed-article.txt", ROOT / "data" / "samples" / "airline-strike.txt",
            ROOT / "data" / "samples" / "euro-inflation.txt"]


def body_sentences() -> list[str]:
    from mtqa.text.sentences.segment import segment
    from mtqa.types import Document

    return [s.text for p in ARTICLES for s in segment(Document(p.name, str(p), p.read_text("utf-8")))
            if s.kind == "body"]


def compare(models_dir: Path, backend: str, words: int, sentences: list[str]) -> str:
    from mtqa.config import Config
    from mtqa.models.context import ModelContext

    out = {}
    for shortlist in (0, words):
        context = ModelContext(Config(models_dir=models_dir, backend=backend, shortlist=shortlist))
        context.translator("backtranslate"), context.translator("roundtrip")  # loading (and the list) not timed
        start = time.perf_counter()
        german = context.translator("backtranslate").translate(sentences)
        english = context.translator("roundtrip").translate([g.text for g in german])
        out[shortlist] = ([g.text for g in german], [e.text for e in english], time.perf_counter() - start)
    (de0, en0, t0), (de1, en1, t1) = out[0], out[words]
    vocab = len(context.translator("backtranslate").tokenizer.get_vocab())
    changed_de = sum(a != b for a, b in zip(de0, de1))
    changed_en = sum(a != b for a, b in zip(en0, en1))
    n = len(sentences)
    return (f"{backend}: en→de changed {changed_de}/{n} ({changed_de / n:.0%}), de→en changed {changed_en}/{n} "
            f"({changed_en / n:.0%}); both passes {t0:.1f} s full vocabulary ({vocab}), {t1:.1f} s shortlist")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--models-dir", type=Path, help="compare on these models instead of the built ones")
    parser.add_argument("--backends", default="hf,ct2")
    parser.add_argument("--limit", type=int, default=40, help="sentences (the first ones)")
    parser.add_argument("--raw", action="store_true", help="also the raw random opus-mt-sized models")
    args = parser.parse_args()
    from mtqa.cli.models_cmd import convert_models
    from mtqa.config import Config
    from mtqa.testing.opus import build_opus_sized_marian, spm_model
    from mtqa.testing.tiny import build_tiny

    sentences = body_sentences()[:args.limit]
    backends = args.backends.split(",")
    with tempfile.TemporaryDirectory(prefix="mtqa-shortlist-") as tmp:
        sets = {}
        if args.models_dir:
            sets["given models"] = args.models_dir
        else:
            sets["tiny"] = build_tiny(Path(tmp) / "tiny")
            spm = spm_model()
            # pieces_only: the random model writes SentencePiece words, not filler ids whose text reads
            # back as several pieces (see mtqa.testing.opus), so the second pass gets inputs of real length.
            d = Path(tmp) / "opus"
            build_opus_sized_marian(d / "backtranslate", "en", "de", 11, spm, pieces_only=True)
            build_opus_sized_marian(d / "roundtrip", "de", "en", 12, spm, pieces_only=True)
            sets["opus-mt-sized random (pieces_only)"] = d
            if args.raw:  # the raw random model picks filler ids the list leaves out: the list bites
                d = Path(tmp) / "raw"
                build_opus_sized_marian(d / "backtranslate", "en", "de", 11, spm)
                build_opus_sized_marian(d / "roundtrip", "de", "en", 12, spm)
                sets["opus-mt-sized random (raw)"] = d
        print(f"{len(sentences)} sentences, shortlist of the {args.words} most frequent words")
        for name, models_dir in sets.items():
            if "ct2" in backends:
                convert_models(Config(models_dir=models_dir), ["backtranslate", "roundtrip"], "int8")
            for backend in backends if "raw" not in name else ["ct2"]:  # hf there: hours of filler text
                print(f"{name}, {compare(models_dir, backend, args.words, sentences)}", flush=True)


if __name__ == "__main__":
    main()
