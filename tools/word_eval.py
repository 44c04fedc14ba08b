"""Word-level evaluation (``make word-eval``): do mtqa's suspect spans point at the words an editor changed?

MLQE-PE tags every MT token OK or BAD (BAD: changed in post-editing). Each text is scored by mtqa
on the ``--lines`` path with the model-free signals (rules + the offline n-gram fluency) and the
built-in profile; a token is predicted BAD when it overlaps a suspect span of any signal, or a flag
span covering less than half the sentence (a whole-sentence flag says nothing about words).
As in the WMT word-level task: MCC over all tags pooled, with precision and recall of BAD, and a
bootstrap CI resampling sentences; per language pair.

    .venv/bin/python tools/word_eval.py [--mlqe DIR] [--split dev]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from mtqa.config import Config
from mtqa.evaluation.drivers import score_texts

PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
csv.field_size_limit(1 << 24)


def token_spans(mt: str, mt_tok: str) -> list[tuple[int, int]] | None:
    """Character spans in ``mt`` of the tokenised MT words (same characters, other spacing)."""
    spans, pos = [], 0
    try:
        for tok in mt_tok.split():
            while mt[pos].isspace():
                pos += 1
            start = pos
            for ch in tok:
                while mt[pos].isspace():
                    pos += 1
                if mt[pos] != ch:
                    return None
                pos += 1
            spans.append((start, pos))
    except IndexError:
        return None
    return spans


def mcc(y: np.ndarray, p: np.ndarray) -> float:
    tp, tn = float((y & p).sum()), float((~y & ~p).sum())
    fp, fn = float((~y & p).sum()), float((y & ~p).sum())
    d = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / d if d else 0.0


def figures(y: np.ndarray, p: np.ndarray, sent: np.ndarray, resamples: int = 500) -> str:
    rng = np.random.default_rng(0)
    ids = np.unique(sent)
    by = {s: np.flatnonzero(sent == s) for s in ids} if resamples else {}
    vals = []
    for _ in range(resamples):
        pick = np.concatenate([by[s] for s in rng.choice(ids, len(ids))])
        vals.append(mcc(y[pick], p[pick]))
    lo, hi = np.percentile(vals, [2.5, 97.5])
    prec = (y & p).sum() / max(1, p.sum())
    rec = (y & p).sum() / max(1, y.sum())
    return (f"MCC {mcc(y, p):+.3f} [{lo:+.3f}, {hi:+.3f}]  precision(BAD) {prec:.3f}  recall(BAD) {rec:.3f}  "
            f"predicted BAD {p.mean():.3f}  BAD rate {y.mean():.3f}  tags {len(y)} sentences {len(ids)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlqe", default=str(Path(__file__).resolve().parents[2] / "shared" / "dev" / "mlqe-pe"))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--suspects-only", action="store_true", help="leave the detectors' flag spans out")
    args = ap.parse_args()
    config = Config(signals=("rules", "fluency"), fluency_model="ngram", use_cache=False)
    gold, pred, sent, pair = [], [], [], []
    k = 0
    for lp in PAIRS:
        with open(Path(args.mlqe) / f"{lp}-{args.split}.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        texts = [" ".join(r["mt"].split()) for r in rows]
        scored = score_texts(texts, config)
        for r, text, s in zip(rows, texts, scored.sentences):
            spans = token_spans(text, r["mt_tok"])
            tags = r["word_tags"].split()
            if s is None or spans is None or len(spans) != len(tags):
                continue
            off = s.sentence.start
            marked = [(x.start, x.end) for res in s.signals.values() for x in res.suspects]
            if not args.suspects_only:
                marked += [(f.start - off, f.end - off) for f in s.flags if (f.end - f.start) < 0.5 * len(text)]
            for (a, b), tag in zip(spans, tags):
                gold.append(tag == "BAD")
                pred.append(any(a < e and st < b for st, e in marked))
                sent.append(k)
                pair.append(lp)
            k += 1
    y, p, sent_, pair_ = np.array(gold), np.array(pred), np.array(sent), np.array(pair)
    what = "suspect spans" if args.suspects_only else "suspect spans and local flag spans"
    print(f"MLQE-PE {args.split} word level, {what} vs OK/BAD tags (model-free: rules + n-gram)")
    print(f"  all    {figures(y, p, sent_)}")
    for lp in PAIRS:
        sel = pair_ == lp
        print(f"  {lp}  {figures(y[sel], p[sel], sent_[sel], 200)}")


if __name__ == "__main__":
    main()
