"""Development figures for the model-free tier: seed article, DEMETR pairs, speed, and each detector.

    python tools/devmeasure.py build-table   # derive the oddity table from the training split
    python tools/devmeasure.py measure       # print the figures (held-out split only)
    python tools/devmeasure.py detectors [REALWORLD_DIR] [MLQE_DIR] [--train]
                                             # hits and precision per flag code: real pages, MLQE-PE dev
                                             # (--train: MLQE-PE train only, for codes rare on dev)
    python tools/devmeasure.py evidence [--docs-only] [--realworld DIR] [--realworld-b DIR] [--wmt DIR]
                                        [--mlqe DIR] [--out TSV] [--docs MD]
                                             # mtqa/signals/rules/evidence.tsv and docs/detectors.md
                                             # (tools/evidence.py; make evidence)

The detector table shows per flag code (and grammar's) how it fares (the severities themselves come
from ``evidence`` and ``severity_from_evidence``, docs/detectors.md): on the labelled
real pages (``../shared/dev/realworld`` by default), units flagged by each code that are garbled,
ok or awkward; on MLQE-PE dev (``../shared/dev/mlqe-pe``, five X→English pairs, every sentence its
own one-sentence article), the share of the sentences a code flags that humans judged bad (DA
below 50, HTER at least 0.3) against the base rate of all sentences.

Split: DEMETR items are numbered by their FLORES sentence (``demetr:N:perturbation``). Odd N is
the training split: only its *good* sentences are used, to count tag bigrams and arcs of clean
English. Even N is held out: every pair reported here comes from it, so no sentence measured on
was seen when the table was built. Nothing else is fitted to the pairs.
"""

from __future__ import annotations

import collections
import csv
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from mtqa.positions import LineIndex
from mtqa.scoring.combine import combine
from mtqa.scoring.profile import Profile
from mtqa.signals.rules import RulesSignal
from mtqa.signals.rules.oddity import TABLE, OddityTable, count_events
from mtqa.text.sentences.nlp import english
from mtqa.types import Sentence

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "data" / "dev" / "demetr-flores-pairs.tsv.gz"
SEED = ROOT / "data" / "seed-article.txt"
LABELS = ROOT / "data" / "seed-labels.tsv"


def read_pairs() -> list[dict[str, str]]:
    with gzip.open(PAIRS, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def item_number(row: dict[str, str]) -> int:
    return int(row["id"].split(":")[1])


def is_training(row: dict[str, str]) -> bool:
    return item_number(row) % 2 == 1


def _parse(texts: list[str]):
    return list(english().pipe(texts, batch_size=128, disable=["lemmatizer", "ner"]))


def build_table() -> Path:
    """Counts from the training split's good sentences; centre and scale cross-fitted on halves."""
    rows = read_pairs()
    clean = sorted({r["good"] for r in rows if is_training(r)})
    docs = _parse(clean)
    halves = (docs[0::2], docs[1::2])
    held_out = []
    for fit, apply in (halves, halves[::-1]):
        table = OddityTable({"counts": count_events(fit), "center": 0, "scale": 1})
        held_out += [table.features(d)["oddity"] for d in apply]
    mean, sd = statistics.fmean(held_out), statistics.pstdev(held_out)
    data = {
        "source": f"DEMETR FLORES good sentences, odd item numbers ({len(clean)} sentences)",
        "center": round(mean + 2 * sd, 4),  # risk reaches half its cap two SDs above clean text
        "scale": round(sd, 4),
        "counts": count_events(docs),
    }
    path = ROOT / "mtqa" / "signals" / "rules" / TABLE
    path.write_text(json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {path} from {len(clean)} sentences; held-out oddity mean {mean:.3f} sd {sd:.3f}")
    return path


def _sentence(text: str, index: int = 0, kind: str = "body", start: int = 0, doc_id: str = "d") -> Sentence:
    return Sentence(doc_id, index, text, start, start + len(text), 1, 1, kind)


def scores(signal: RulesSignal, sentences: list[Sentence]):
    """Model-free scores, one sentence per document (as the pairs are independent)."""
    results = signal.score(sentences)
    return [combine([s], {"rules": [r]}, Profile())[0] for s, r in zip(sentences, results)]


def seed_sentences() -> list[tuple[str, Sentence]]:
    """(label, sentence) for the labelled prose of the seed article, cut at the labels' starts."""
    text = SEED.read_text("utf-8")
    lines = text.split("\n")
    offsets = LineIndex(text).starts
    with LABELS.open(encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh, delimiter="\t"))
    out = []
    for i, row in enumerate(labels):
        if row["label"].startswith("junk"):
            continue
        n = int(row["line"])
        line = lines[n - 1]
        start = line.index(row["sentence_starts_with"])
        nxt = [r for r in labels[i + 1:] if int(r["line"]) == n]
        end = line.index(nxt[0]["sentence_starts_with"], start + 1) if nxt else len(line)
        body = line[start:end].rstrip()
        kind = row["label"] if row["label"] in ("title", "heading") else "body"
        out.append((row["label"], _sentence(body, len(out), kind, offsets[n - 1] + start, "seed")))
    return out


def measure_seed(signal: RulesSignal) -> None:
    labelled = seed_sentences()
    scored = scores(signal, [s for _, s in labelled])
    by_label: dict[str, list] = collections.defaultdict(list)
    print("\n== seed article (model-free) ==")
    for (label, sent), sc in zip(labelled, scored):
        flagged = sc.severity in ("major", "minor")
        by_label[label].append(flagged)
        codes = ",".join(f"{f.code}:{f.severity}" for f in sc.flags) or "-"
        print(f"{label:8s} {sc.score:6.1f} {'FLAG' if flagged else '    '} {codes:40s} {sent.text[:60]}")
    for label, flags in sorted(by_label.items()):
        print(f"{label}: {sum(flags)} of {len(flags)} flagged major/minor")


def measure_pairs(signal: RulesSignal) -> None:
    rows = [r for r in read_pairs() if not is_training(r)]
    texts = sorted({r["good"] for r in rows} | {r["bad"] for r in rows})
    scored = dict(zip(texts, scores(signal, [_sentence(t, i) for i, t in enumerate(texts)])))
    wins: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        win = int(scored[r["bad"]].score < scored[r["good"]].score)  # a tie is a failure
        for key in (("visibility", r["visibility"]), ("perturbation", f"{r['visibility']}/{r['perturbation']}")):
            wins[key][0] += win
            wins[key][1] += 1
    good_flagged = sum(scored[t].severity in ("major", "minor") for t in {r["good"] for r in rows})
    print("\n== DEMETR held-out pairs (even item numbers), bad strictly below good ==")
    for (kind, key), (w, n) in sorted(wins.items()):
        print(f"{kind:12s} {key:45s} {w / n:.3f}  n={n}")
    n_good = len({r['good'] for r in rows})
    print(f"good sentences flagged major/minor: {good_flagged} of {n_good}")
    codes = collections.Counter(f.code for t in {r["good"] for r in rows} for f in scored[t].flags
                                if f.severity in ("major", "minor"))
    print("  by code:", dict(sorted(codes.items())))


def measure_speed(signal: RulesSignal, n: int = 1000) -> None:
    rows = read_pairs()
    texts = sorted({r["good"] for r in rows} | {r["bad"] for r in rows})[:n]
    sentences = [_sentence(t, i) for i, t in enumerate(texts)]
    signal.score(sentences[:20])  # warm-up
    t0 = time.perf_counter()
    signal.score(sentences)
    dt = time.perf_counter() - t0
    words = sum(len(t.split()) for t in texts)
    print(f"\n== speed ==\nrules signal: {len(texts)} sentences ({words} words) in {dt:.2f} s")


def wilson(k: int, n: int) -> str:
    from mtqa.evaluation.metrics import proportion

    p = proportion(k, n)
    if not n:
        return f"{k}/{n}"
    low, high = p["low"], p["high"]
    return f"{k}/{n} = {100 * k / n:.0f} % [{100 * low:.0f}, {100 * high:.0f}]"


def detectors_realworld(folder: Path) -> None:
    """Per flag code (any severity, major/minor only): units flagged on the labelled real pages."""
    import tempfile

    from mtqa.config import Config
    from mtqa.evaluation.realworld import eval_realworld

    with tempfile.TemporaryDirectory() as empty:  # no models: the model-free tier
        result = eval_realworld(str(folder), Config(models_dir=Path(empty)), resamples=10)
    tally: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for article in result["articles"].values():
        for unit in article["units"]:
            if unit["label"] not in ("garbled", "ok", "awkward") or unit["markup_split"]:
                continue
            for code in {c.split(":")[0] for c in unit["flag_codes"]}:
                tally[code][unit["label"]] += 1
            for code in unit["flag_codes"]:
                tally[code][unit["label"]] += 1
    print(f"\n== real pages ({folder}, model-free tier): units flagged per code ==")
    print(f"{'code':34s} {'garbled':>7s} {'ok':>4s} {'awkward':>7s}  strict precision [95% CI]")
    for code, c in sorted(tally.items(), key=lambda kv: -sum(kv[1].values())):
        n = sum(c.values())
        print(f"{code:34s} {c['garbled']:7d} {c['ok']:4d} {c['awkward']:7d}  {wilson(c['garbled'], n)}")


def read_mlqe(folder: Path, split: str = "dev") -> list[dict[str, str]]:
    rows = []
    for path in sorted(folder.glob(f"*-{split}.tsv")):
        with path.open(encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows


def detectors_mlqe(folder: Path, split: str = "dev") -> None:
    """Per flag code of rules and grammar: how many MLQE-PE dev sentences it flags, and how many of
    those humans judged bad, against the base rate. Every sentence is its own article."""
    from mtqa.config import Config
    from mtqa.signals import grammar

    rows = read_mlqe(folder, split)
    rules = RulesSignal()
    try:
        parser = grammar.build(Config(), None)
    except Exception as exc:  # noqa: BLE001 - reported, the rules still measured
        print(f"grammar skipped: {exc}")
        parser = None
    bad_da = [float(r["da_mean"]) < 50 for r in rows]
    bad_hter = [float(r["hter"]) >= 0.3 for r in rows]
    hits: dict[str, list[int]] = collections.defaultdict(list)
    t0 = time.perf_counter()
    for i, r in enumerate(rows):
        sent = [_sentence(r["mt"], 0, "body", 0, r["id"])]
        results = rules.score(sent)
        if parser is not None:
            results += parser.score(sent)
        for code in {f"{f.code}:{f.severity}" for res in results for f in res.flags if f.severity != "info"}:
            hits[code].append(i)
        for code in {f.code for res in results for f in res.flags if f.severity != "info"}:
            hits[code].append(i)
    n = len(rows)
    print(f"\n== MLQE-PE {split} ({n} sentences, {time.perf_counter() - t0:.0f} s): sentences flagged per code ==")
    print(f"base rate: DA < 50 {wilson(sum(bad_da), n)};  HTER >= 0.3 {wilson(sum(bad_hter), n)}")
    print(f"{'code':34s} {'flagged':>7s}  DA < 50 among flagged        HTER >= 0.3 among flagged")
    for code, idx in sorted(hits.items(), key=lambda kv: -len(kv[1])):
        k = len(idx)
        print(f"{code:34s} {k:7d}  {wilson(sum(bad_da[i] for i in idx), k):28s} "
              f"{wilson(sum(bad_hter[i] for i in idx), k)}")


def evidence(argv: list[str]) -> int:
    import argparse

    import evidence as ev

    parser = argparse.ArgumentParser(prog="devmeasure.py evidence", description=ev.__doc__.split("\n\n")[2])
    for name, default in (("realworld", ev.DEV / "realworld"), ("realworld-b", ev.DEV / "realworld-b"),
                          ("wmt", ev.DEV / "wmt-mqm-zhen"), ("mlqe", ev.DEV / "mlqe-pe"),
                          ("out", ev.EVIDENCE), ("docs", ev.DOCS)):
        parser.add_argument(f"--{name}", type=Path, default=default)
    parser.add_argument("--docs-only", action="store_true", help="only write the Markdown table from --out")
    args = parser.parse_args(argv)
    return ev.main({k: v for k, v in vars(args).items() if k != "docs_only"}, docs_only=args.docs_only)


def main(argv: list[str]) -> int:
    if argv[:1] == ["evidence"]:
        return evidence(argv[1:])
    if argv[:1] == ["build-table"]:
        build_table()
        return 0
    if argv[:1] == ["detectors"]:
        split = "train" if "--train" in argv else "dev"
        args = [a for a in argv[1:] if a != "--train"]
        realworld = Path(args[0]) if args else ROOT.parent / "shared" / "dev" / "realworld"
        mlqe = Path(args[1]) if len(args) > 1 else ROOT.parent / "shared" / "dev" / "mlqe-pe"
        if split == "dev":
            detectors_realworld(realworld)
        detectors_mlqe(mlqe, split)
        return 0
    if argv[:1] not in (["measure"], []):
        print("usage: python tools/devmeasure.py [build-table|measure|detectors [REALWORLD MLQE] [--train]|evidence]",
              file=sys.stderr)
        return 2
    signal = RulesSignal()
    measure_seed(signal)
    measure_pairs(signal)
    measure_speed(signal)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
