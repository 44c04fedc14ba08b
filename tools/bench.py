"""``make bench``: what users wait for, side by side in one run, each figure the median of repeats.

Measured, interleaved (side A, side B, side A, ... so a machine that slows down mid-run slows both),
every side in its own fresh process with its thread count pinned, each repeated ``--repeats`` times
(default 3); every figure is the median with its spread (min-max):

- the machine's own ceilings: memory bandwidth (a numpy stream copy of 256 MB, one thread and one per
  core at once) and int8 GEMM speed (``torch._int_mm``, rows like a decoding batch);
- cold start, each command a fresh process timed from start to exit: ``import spacy`` + loading the
  pipeline (torch hidden from thinc as mtqa does it, and plain), ``mtqa --version``, a rules-only
  ``mtqa check`` and ``mtqa flags`` on a one-sentence file, and ``mtqa flags`` with the tiny models;
- the rules tier: sentences/s of the local engine (rules signal, articles of 100 sentences, the slow
  test's shape) with 1 and 2 worker processes, one thread each, reports compared byte for byte;
- the four model passes (en→de, de→en translation, then forced scoring of the English and of the
  German) on full-size random-weight opus-mt models: plain transformers fp32 (batches of 16 in input
  order, torch threads = cores), mtqa's CTranslate2 int8 path (token-budget length-sorted batches,
  mtqa's thread split), and the same with a vocabulary shortlist on the two translation passes;
- the model-free tiers on news-like prose (articles of 100 DEMETR sentences from ``data/dev``, in
  paragraphs of five): the rules tier and the default model-free tier (rules, grammar, n-gram
  fluency) with 1 and 2 worker processes, the latter also as ``score`` and ``check`` run it for a
  table or CSV (no sentence shown: no null-link re-parse; one process), and in the same rounds the
  work no checker can skip:
  spaCy's own ``nlp.pipe`` over the same paragraphs with the components the segmenter runs, and
  link-grammar's strict parse of the same sentences the grammar signal parses. Two ratios follow
  that hold from one machine to the next: rules tier / spaCy, default tier / (spaCy + link-grammar),
  each from pairs measured in turn in one process over the same articles (load moves both sides of
  a pair together), beside the same ratios from the tiers' own processes;
- a feed of ``MTQA_BENCH_FEED`` sentences (default 100,000; 0 skips it) through ``mtqa score --feed``
  with the default model-free signals (CSV: the table's path), a fresh process timed from start to
  exit, once after the rounds;
- peak resident memory of each side (the largest of its repeats; workers counted apart);
- a roofline for the greedy passes from this run's bandwidth and GEMM figures: per decoding step
  each batch reads the decoder's int8 weights, the vocabulary projection and its attention caches,
  and computes 2 ops per weight and row; the bound is the slower of the two, summed over the batches
  mtqa actually forms. Reported as the fraction reached.

No weights can be downloaded, so the models have the real opus-mt-en-de configuration (d_model 512,
6+6 layers, 8 heads, ffn 2048, vocabulary 58101) and random weights. Random weights never choose
end-of-sentence, so every output length is forced (``min_new_tokens == max_new_tokens``; CTranslate2
``min_decoding_length == max_decoding_length``) to what a real model writes: 1.15x the source. The
cost per sentence then equals a real model's. The sentences are token ids (no tokenizer exists for
random weights), so the model sides time model work only. The shortlist side keeps
``SHORTLIST_PIECES`` pieces (an assumed size: the list ``--shortlist 20000`` makes from the real
vocabulary cannot be built without it). Last line:
``speedup=<x> sentences_per_s=<y> roofline_fraction=<z> rules_1=<s/s> rules_2=<s/s> cold_over_spacy=<s>
default_1=<s/s> default_2=<s/s> articles_1=<s/s> rules_over_spacy=<r> default_over_floor=<r> feed=<s/s>``. ``--tiers-only``
leaves out the cold start and the model passes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mtqa.testing.opus import D_MODEL, EOS, FFN, LAYERS, PAD, VOCAB

SEED = 20240601
SHORTLIST_PIECES = 16384  # pieces the shortlist side keeps (about 28 % of the vocabulary)
RULES_ARTICLES = 24  # of 100 sentences each, per rules-tier measurement
TIER_ARTICLES = 8  # of 100 DEMETR sentences each, per model-free tier measurement
FLOOR_PAIRS = 3  # floor and tier measured in turn in one process, per round
TIER_SIGNALS = ("rules", "grammar", "fluency")  # the default signals that need no model download
# rules; the default model-free tier with every sentence's detail (flags, json...); the same as score
# and check run it for a table or CSV (Config.sentence_detail off)
TIERS = ("rules", "default", "articles")
DISTINCT_FEED = 10_000  # sentences in the feed without repeats
PAIRS = Path(__file__).resolve().parent.parent / "data" / "dev" / "demetr-flores-pairs.tsv.gz"
SENTENCE = "Ministers met in Berlin on Monday and agreed on a plan."
OUT_RATIO = 1.15  # German/English output tokens per source token, as opus-mt writes them
BASELINE_BATCH = 16


def build_models(workdir: Path) -> None:
    """Two random-weight opus-mt-sized models (en-de, de-en) as safetensors, and their int8 conversions.

    Built by ``mtqa.testing.opus`` (the tests' realistic-shape model). Its tokenizer exists only so
    the converter can read the model; the benchmark feeds token ids.
    """
    from ctranslate2.converters import TransformersConverter

    from mtqa.testing.opus import build_opus_sized_marian, spm_model

    spm = spm_model()
    for i, name in enumerate(("en-de", "de-en")):
        source, target = name.split("-")
        path = build_opus_sized_marian(workdir / name, source, target, SEED + i, spm)
        TransformersConverter(str(path), load_as_float16=False).convert(str(workdir / f"{name}-ct2"),
                                                                        quantization="int8", force=True)
    # The shortlist side: the same conversion (links) with a vocabulary map that always offers the
    # same SHORTLIST_PIECES pieces, as ``--shortlist`` does.
    vocab = vocabulary(workdir)
    keep = sorted({EOS, 1, *random.Random(SEED).sample(range(2, len(vocab)), SHORTLIST_PIECES - 2)})
    for name in ("en-de", "de-en"):
        linked = workdir / f"{name}-ct2-vmap"
        linked.mkdir()
        for entry in (workdir / f"{name}-ct2").iterdir():
            (linked / entry.name).symlink_to(entry.resolve())
        (linked / "vmap.txt").write_text("\t" + " ".join(vocab[i] for i in keep) + "\n", "utf-8")


def vocabulary(workdir: Path) -> list[str]:
    """Token strings for ids 0..VOCAB-2 (the pad, id VOCAB-1, is not a CTranslate2 token)."""
    vocab = json.loads((workdir / "en-de" / "vocab.json").read_text("utf-8"))
    return sorted((tok for tok in vocab if vocab[tok] != PAD), key=vocab.__getitem__)


def sentences(n: int) -> list[list[int]]:
    """Source token ids with news-like lengths (mean ~35 pieces, 12-70), ending in </s>."""
    rng = random.Random(SEED)
    out = []
    for _ in range(n):
        length = max(12, min(70, int(rng.gauss(35, 12))))
        out.append([rng.randrange(3, VOCAB - 1) for _ in range(length - 1)] + [EOS])
    return out


def out_len(src: list[int], ratio: float = OUT_RATIO) -> int:
    """Output tokens (</s> included) a real model writes for ``src``: en→de 1.15x, de→en back again."""
    return max(4, round(len(src) * ratio))


def flops(src_len: int, tgt_len: int) -> float:
    """Multiply-adds x2 of the linear layers (encoder, decoder, vocabulary projection)."""
    enc = src_len * LAYERS * (4 * D_MODEL ** 2 + 2 * D_MODEL * FFN)
    cross_kv = src_len * LAYERS * 2 * D_MODEL ** 2
    dec = tgt_len * LAYERS * (6 * D_MODEL ** 2 + 2 * D_MODEL * FFN)
    vocab = tgt_len * D_MODEL * VOCAB
    return 2.0 * (enc + cross_kv + dec + vocab)


def int8_gemm_rate(seconds: float = 3.0) -> float:
    """Int8 GEMM ops/s on this machine (torch._int_mm, rows like a decoding batch, the vocab projection)."""
    import torch

    m, k, n = 256, D_MODEL, 8192
    a = torch.randint(-127, 127, (m, k), dtype=torch.int8)
    b = torch.randint(-127, 127, (k, n), dtype=torch.int8)
    for _ in range(3):
        torch._int_mm(a, b)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch._int_mm(a, b)
        done += 1
    return 2.0 * m * k * n * done / (time.perf_counter() - start)


# ---- the two paths, each run in its own process -------------------------------------------------


def run_hf(workdir: Path, srcs: list[list[int]]) -> dict:
    import torch
    from transformers import MarianMTModel

    torch.set_num_threads(cores())
    models = {name: MarianMTModel.from_pretrained(str(workdir / name), use_safetensors=True).eval()
              for name in ("en-de", "de-en")}
    for m in models.values():
        m.generation_config.forced_eos_token_id = None

    def batches(items):
        return [items[i:i + BASELINE_BATCH] for i in range(0, len(items), BASELINE_BATCH)]

    def pad(rows):
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), PAD, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        return ids, mask

    def translate(model, inputs, ratio):
        outs = []
        for batch in batches(inputs):
            ids, mask = pad(batch)
            n = max(out_len(s, ratio) for s in batch)
            with torch.inference_mode():
                gen = model.generate(input_ids=ids, attention_mask=mask, num_beams=1, do_sample=False,
                                     min_new_tokens=n, max_new_tokens=n)
            outs += [row[1:out_len(s, ratio)] + [EOS] for row, s in zip(gen.tolist(), batch)]
        return outs

    def score(model, inputs, targets):
        total = 0.0
        for b in range(0, len(inputs), BASELINE_BATCH):
            ids, mask = pad(inputs[b:b + BASELINE_BATCH])
            labels, _ = pad(targets[b:b + BASELINE_BATCH])
            dec = torch.cat([torch.full((labels.shape[0], 1), PAD), labels[:, :-1]], dim=1)
            with torch.inference_mode():
                logits = model(input_ids=ids, attention_mask=mask, decoder_input_ids=dec).logits
                lp = torch.log_softmax(logits.float(), -1).gather(-1, labels.unsqueeze(-1))
            total += float(lp.sum())
        return total

    return _four_passes(srcs, lambda x, r: translate(models["en-de"], x, r),
                        lambda x, r: translate(models["de-en"], x, r),
                        lambda s, t: score(models["de-en"], s, t), lambda s, t: score(models["en-de"], s, t))


def run_ct2(workdir: Path, srcs: list[list[int]], shortlist: bool = False) -> dict:
    import ctranslate2

    from mtqa.models.backends.batching import DEFAULT_BATCH_TOKENS, scoring_budget, token_batches
    from mtqa.models.backends.ct2 import compute_type_for, thread_counts

    inter, intra = thread_counts(cores())
    suffix = "-ct2-vmap" if shortlist else "-ct2"
    models = {name: ctranslate2.Translator(str(workdir / f"{name}{suffix}"), device="cpu",
                                           compute_type=compute_type_for("cpu"), inter_threads=inter,
                                           intra_threads=intra) for name in ("en-de", "de-en")}
    vocab = vocabulary(workdir)
    index = {tok: i for i, tok in enumerate(vocab)}

    def toks(rows):
        return [[vocab[i] for i in r] for r in rows]

    def translate(model, inputs, ratio):
        # mtqa's batching: length-sorted token-budget batches, all in flight on the parallel workers.
        pending = []
        for idx in token_batches([len(s) for s in inputs], DEFAULT_BATCH_TOKENS):
            n = max(out_len(inputs[i], ratio) for i in idx)
            pending.append((idx, model.translate_batch(
                toks([inputs[i] for i in idx]), beam_size=1, min_decoding_length=n, max_decoding_length=n,
                return_scores=True, asynchronous=True, use_vmap=shortlist)))
        outs: list = [None] * len(inputs)
        for idx, results in pending:
            for i, r in zip(idx, results):
                hyp = r.result().hypotheses[0][:out_len(inputs[i], ratio) - 1]
                outs[i] = [index[t] for t in hyp] + [EOS]
        return outs

    def score(model, inputs, targets):
        results = model.score_batch(toks(inputs), toks([t[:-1] for t in targets]),
                                    max_batch_size=scoring_budget(DEFAULT_BATCH_TOKENS), batch_type="tokens")
        return sum(sum(r.log_probs) for r in results)

    return _four_passes(srcs, lambda x, r: translate(models["en-de"], x, r),
                        lambda x, r: translate(models["de-en"], x, r),
                        lambda s, t: score(models["de-en"], s, t), lambda s, t: score(models["en-de"], s, t))


def _four_passes(srcs, forward, backward, score_en, score_de) -> dict:
    """en→de, de→en, then forced scoring of the English (de→en) and of the German (en→de)."""
    times = {}
    start = time.perf_counter()
    german = forward(srcs, OUT_RATIO)
    times["translate_en_de"] = time.perf_counter() - start
    start = time.perf_counter()
    english = backward(german, 1 / OUT_RATIO)
    times["translate_de_en"] = time.perf_counter() - start
    start = time.perf_counter()
    score_en(german, srcs)
    times["score_de_en"] = time.perf_counter() - start
    start = time.perf_counter()
    score_de(srcs, german)
    times["score_en_de"] = time.perf_counter() - start
    assert len(german) == len(english) == len(srcs)
    return times



# ---- the measurements, each in its own process ------------------------------------------------------


def cores() -> int:
    from mtqa.models.backends.ct2 import available_cores

    return available_cores()


def pinned_env(threads: int) -> dict[str, str]:
    """The environment of a measured process: its thread counts fixed, whatever the caller's."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[name] = str(threads)
    return env


def stream_copy(threads: int, megabytes: int = 256, rounds: int = 5) -> float:
    """Bytes/s a plain copy moves (read + write), ``threads`` copies at once (numpy lets go of the GIL)."""
    import threading

    import numpy as np

    size = megabytes * 2**20 // 8 // threads
    pairs = [(np.ones(size), np.empty(size)) for _ in range(threads)]
    best = []
    for _ in range(rounds):
        barrier = threading.Barrier(threads + 1)

        def copy(src, dst, barrier):
            barrier.wait()
            np.copyto(dst, src)

        workers = [threading.Thread(target=copy, args=(*pair, barrier)) for pair in pairs]
        for w in workers:
            w.start()
        barrier.wait()
        start = time.perf_counter()
        for w in workers:
            w.join()
        best.append(2 * 8 * size * threads / (time.perf_counter() - start))
    return max(best)  # the best round: the copy itself, not page faults or a neighbour's burst


def child_machine() -> dict:
    return {"bandwidth_1": stream_copy(1), "bandwidth_all": stream_copy(cores()), "gemm": int8_gemm_rate(2.0)}


def peak_rss_mb() -> float:
    """This process's own peak resident memory (``VmHWM``). Not ``ru_maxrss``: Linux carries the
    parent's peak over a fork and exec, so a child of a large parent would report the parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: no parent carried over


def child_models(side: str, workdir: Path, n: int) -> dict:
    srcs = sentences(n)
    times = run_hf(workdir, srcs) if side == "hf" else run_ct2(workdir, srcs, shortlist=side == "ct2-shortlist")
    return {"times": times, "peak_rss_mb": peak_rss_mb()}


def child_rules(processes: int, articles: int) -> dict:
    """Rules tier through the local engine: sentences/s after start-up, and the JSONL's digest."""
    from mtqa.config import Config
    from mtqa.engines import open_engine
    from mtqa.types import Document

    docs = [Document(f"a{i}", f"a{i}", " ".join([SENTENCE] * 100)) for i in range(articles)]
    return timed_reports(open_engine(Config(signals=("rules",), workers=processes)), docs, processes)


def timed_reports(engine, docs: list, processes: int) -> dict:
    """Sentences/s of ``engine`` over ``docs`` (closed afterwards), the JSONL's digest, peak memory."""
    import hashlib

    from mtqa.report.json import dumps, report_to_dict

    out = hashlib.sha256()
    start = time.perf_counter()
    count = 0
    for report in engine.reports(docs):
        out.update((dumps(report_to_dict(report), indent=None) + "\n").encode())
        count += len(report.sentences)
    elapsed = time.perf_counter() - start
    engine.close()
    # A forked worker's peak counts the pages it shares with this process again (ru_maxrss of the
    # children: the largest worker's peak, inherited pages included).
    return {"rate": count / elapsed, "digest": out.hexdigest(), "peak_rss_mb": peak_rss_mb(),
            "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if processes > 1 else 0.0}


def news_articles(count: int, seed: int = SEED, distinct: bool = False) -> list[tuple[str, str]]:
    """``count`` (id, text) articles of 100 distinct DEMETR sentences in paragraphs of five, drawn at
    random with ``seed`` from the 14,357 sentences (good and damaged) in ``data/dev``; ``distinct``:
    no sentence in two articles either (at most 143 articles)."""
    import csv
    import gzip

    with gzip.open(PAIRS, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    pool = sorted({r[k] for r in rows for k in ("good", "bad")})
    rng = random.Random(seed)
    order = rng.sample(pool, len(pool)) if distinct else []
    out = []
    for a in range(count):
        picked = order[100 * a:100 * a + 100] if distinct else rng.sample(pool, 100)
        out.append((f"n{a}", "\n\n".join(" ".join(picked[i:i + 5]) for i in range(0, 100, 5))))
    return out


def tier_config(tier: str, processes: int, empty: Path):
    from mtqa.config import Config

    signals = ("rules",) if tier == "rules" else TIER_SIGNALS
    return Config(signals=signals, workers=processes, models_dir=empty, sentence_detail=tier != "articles")


def child_tier(tier: str, processes: int) -> dict:
    """A model-free tier through the local engine over the news articles: sentences/s once started
    and warm, the JSONL's digest, peak memory. One more article is checked first, untimed: the
    first check loads what the pipeline loads lazily (seconds), which the spaCy side's warm-up
    leaves out too; forked workers inherit it. Start-up is the feed's to count."""
    from mtqa.types import Document

    *articles, warm = news_articles(TIER_ARTICLES + 1)
    docs = [Document(i, i, text) for i, text in articles]
    with tempfile.TemporaryDirectory() as empty:  # no model found: the model signals stay out
        return warm_tier(tier, processes, Path(empty), warm, docs)


def warm_tier(tier: str, processes: int, empty: Path, warm: tuple[str, str], docs: list) -> dict:
    """``timed_reports`` of a fresh engine for ``tier`` (its memory of verdicts empty) that has
    checked ``warm`` first, untimed."""
    from mtqa.engines import open_engine
    from mtqa.types import Document

    engine = open_engine(tier_config(tier, processes, empty))
    engine.checker.check_document(Document(warm[0], warm[0], warm[1]))
    return timed_reports(engine, docs, processes)


def child_floor() -> dict:
    """The work under the tiers, one process: spaCy's own ``nlp.pipe`` over the articles' paragraphs
    with the segmenter's components (its own attribute ruler), and link-grammar's strict parse
    (the grammar signal's options, nothing else) of the sentences the grammar signal parses. Beside
    each, in the same process and over the same articles, the tier it bounds (rules over spaCy;
    default over both), ``FLOOR_PAIRS`` times in turn with articles drawn afresh each time: the
    ratios are those of the pairs, which load on a shared machine moves together."""
    from mtqa.pipeline import Checker
    from mtqa.signals import grammar
    from mtqa.text.dateline import dateline_end
    from mtqa.text.sentences.nlp import english
    from mtqa.types import Document

    nlp = english()
    wanted = [n for n in ("tok2vec", "tagger", "parser", "attribute_ruler") if n in nlp.pipe_names]
    lg = grammar.import_link_grammar()
    signal = grammar.GrammarSignal(lg)
    pairs = []
    with tempfile.TemporaryDirectory() as empty:
        checker = Checker(tier_config("default", 1, Path(empty)))
        for pair in range(FLOOR_PAIRS):
            *articles, warm = news_articles(TIER_ARTICLES + 1, seed=SEED + pair)
            docs = [Document(i, i, text) for i, text in articles]
            sentences = [s for d in docs for s in checker.sentences(d)]
            parsed = [grammar.normalise(s.text[dateline_end(s.text):]).strip() for s in sentences
                      if s.kind == "body" and grammar.MIN_WORDS <= len(s.text.split()) <= grammar.MAX_WORDS]
            paragraphs = [p for _, text in articles for p in text.split("\n\n")]
            with nlp.select_pipes(enable=wanted):
                list(nlp.pipe(paragraphs[:20], batch_size=64))  # warm-up
                start = time.perf_counter()
                for _ in nlp.pipe(paragraphs, batch_size=64):
                    pass
                spacy_s = time.perf_counter() - start
            start = time.perf_counter()
            for text in parsed:
                try:
                    lg.Sentence(text, signal.dictionary, signal.strict).parse()
                except lg.LG_TimerExhausted:
                    pass
            lg_s = time.perf_counter() - start
            tiers = {tier: warm_tier(tier, 1, Path(empty), warm, docs)["rate"] for tier in ("rules", "default")}
            pairs.append({"sentences": len(sentences), "spacy_s": spacy_s, "lg_s": lg_s, "lg_sentences": len(parsed),
                          "rules_over_spacy": tiers["rules"] * spacy_s / len(sentences),
                          "default_over_floor": tiers["default"] * (spacy_s + lg_s) / len(sentences)})
    return {"pairs": pairs, **pairs[0]}


def child_feed(sentences: int, distinct: bool = False) -> dict:
    """``mtqa score --feed`` over a JSONL feed of ``sentences`` (articles of 100), a fresh process
    timed from start to exit, and the largest process's peak memory. Written as CSV, the table's
    path (one row per article), whose rows count the prose sentences."""
    import csv

    with tempfile.TemporaryDirectory(prefix="mtqa-feed-") as tmp:
        feed = Path(tmp) / "feed.jsonl"
        with feed.open("w", encoding="utf-8") as fh:
            for i, text in news_articles(max(1, sentences // 100), seed=SEED + 1, distinct=distinct):
                fh.write(json.dumps({"id": i, "text": text}) + "\n")
        (Path(tmp) / "empty").mkdir()
        argv = [sys.executable, "-m", "mtqa", "score", str(feed), "--feed", "--signals", ",".join(TIER_SIGNALS),
                "--models-dir", str(Path(tmp) / "empty"), "--format", "csv", "-o", str(Path(tmp) / "out.csv")]
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        with (Path(tmp) / "out.csv").open(encoding="utf-8") as fh:
            count = sum(int(row["sentences"]) for row in csv.DictReader(fh))
    return {"seconds": elapsed, "sentences": count, "distinct": distinct,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run_child(kind: str, *args: str, threads: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], check=True, capture_output=True,
                         text=True, env=pinned_env(threads))
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(argv: list[str], threads: int) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=pinned_env(threads))
    return time.perf_counter() - start


# ---- figures ---------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def fig(values: list[float], fmt: str = ".1f") -> str:
    """``median (min-max)``."""
    return f"{median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def greedy_roofline(srcs: list[list[int]], bandwidth: float, gemm: float) -> float:
    """Sentences/s through both greedy passes at this machine's ceilings, batch by batch as mtqa forms them.

    Per batch: the encoder (compute: 2 ops per weight per source token), then one decoding step per
    output token, each reading the decoder's int8 weights and the vocabulary projection once for the
    whole batch plus every row's self- and cross-attention cache (float32), and computing 2 ops per
    weight per row. A step takes the longer of its memory time and its compute time."""
    from mtqa.models.backends.batching import DEFAULT_BATCH_TOKENS, token_batches

    dec_weights = LAYERS * (4 * D_MODEL ** 2 + 2 * D_MODEL ** 2 + 2 * D_MODEL * FFN)  # self-attn, cross q/o, ffn
    step_weights = dec_weights + D_MODEL * VOCAB
    enc_weights = LAYERS * (4 * D_MODEL ** 2 + 2 * D_MODEL * FFN) + LAYERS * 2 * D_MODEL ** 2  # + cross k/v
    total = 0.0
    for inputs, ratio in ((srcs, OUT_RATIO), ([[0] * out_len(s) for s in srcs], 1 / OUT_RATIO)):
        for idx in token_batches([len(s) for s in inputs], DEFAULT_BATCH_TOKENS):
            rows, width = len(idx), max(len(inputs[i]) for i in idx)
            total += 2.0 * enc_weights * rows * width / gemm
            for t in range(max(out_len(inputs[i], ratio) for i in idx)):
                cache = rows * LAYERS * 2 * (t + 1 + width) * D_MODEL * 4
                total += max((step_weights + cache) / bandwidth, 2.0 * step_weights * rows / gemm)
    return len(srcs) / total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("MTQA_BENCH_SENTENCES", "128")),
                        help="sentences through the model passes")
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("MTQA_BENCH_REPEATS", "3")))
    parser.add_argument("--feed", type=int, default=int(os.environ.get("MTQA_BENCH_FEED", "100000")),
                        help="sentences in the JSONL feed through mtqa score (0: no feed)")
    parser.add_argument("--distinct", action="store_true", help="feed child: no sentence repeats")
    parser.add_argument("--tiers-only", action="store_true", help="leave out the cold start and the model passes")
    parser.add_argument("--child", choices=("machine", "hf", "ct2", "ct2-shortlist", "rules", "tier", "floor", "feed"))
    parser.add_argument("--tier", choices=TIERS, default="default")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    if args.child:
        if args.child == "machine":
            result = child_machine()
        elif args.child == "rules":
            result = child_rules(args.processes, RULES_ARTICLES)
        elif args.child == "tier":
            result = child_tier(args.tier, args.processes)
        elif args.child == "floor":
            result = child_floor()
        elif args.child == "feed":
            result = child_feed(args.feed, args.distinct)
        else:
            result = child_models(args.child, args.workdir, args.n)
        print(json.dumps(result))
        return
    run(args.n, args.repeats, args.feed, args.tiers_only)


def run(n: int, repeats: int, feed: int, tiers_only: bool) -> None:
    ncores = cores()
    load_before = os.getloadavg()
    model_sides = () if tiers_only else ("hf", "ct2", "ct2-shortlist")
    machine, cold, rules, models = [], {}, {1: [], 2: []}, {s: [] for s in model_sides}
    tiers: dict[tuple[str, int], list[dict]] = {(t, p): [] for t in TIERS for p in (1, 2) if (t, p) != ("articles", 2)}
    floor: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as tmp:
        workdir = Path(tmp)
        t0 = time.perf_counter()
        cold_args = {}
        if not tiers_only:
            build_models(workdir)
            cold_args = cold_start_commands(workdir)
            print(f"built the models in {time.perf_counter() - t0:.0f} s", flush=True)
        print(f"{repeats} rounds follow", flush=True)
        for r in range(repeats):  # every round runs every side once, in the same order
            machine.append(run_child("machine", threads=ncores))
            for label, argv in cold_args.items():
                cold.setdefault(label, []).append(timed(argv, ncores))
            for p in (1, 2):
                rules[p].append(run_child("rules", "--processes", str(p), threads=1))
            floor.append(run_child("floor", threads=1))
            for (tier, p), runs in tiers.items():
                runs.append(run_child("tier", "--tier", tier, "--processes", str(p), threads=1))
            for side in model_sides:
                models[side].append(run_child(side, "--workdir", str(workdir), "-n", str(n), threads=ncores))
            print(f"round {r + 1}/{repeats} done at {time.perf_counter() - t0:.0f} s", flush=True)
        # the thread count as a user has it: the engine reads OMP_NUM_THREADS as the cores it may use
        fed = [run_child("feed", "--feed", str(feed), threads=ncores)] if feed else []
        if feed:  # the same feed with no sentence twice: the grammar signal's memory of verdicts idle
            fed.append(run_child("feed", "--feed", str(min(feed, DISTINCT_FEED)), "--distinct", threads=ncores))
    summary = report(n, ncores, load_before, machine, cold, rules, models)
    summary.update(report_tiers(tiers, floor, fed))
    print(" ".join(f"{key}={value}" for key, value in summary.items()))


def cold_start_commands(workdir: Path) -> dict[str, list[str]]:
    """Fresh processes, each timed from start to exit: ``import spacy`` + loading the pipeline (with
    torch hidden from thinc as mtqa does, and plain), then mtqa on a one-sentence file."""
    from mtqa.cli.models_cmd import convert_models
    from mtqa.config import Config
    from mtqa.testing.tiny import build_tiny
    from mtqa.text.sentences.nlp import PIPELINES

    tiny = build_tiny(workdir / "tiny")
    convert_models(Config(models_dir=tiny), [], "int8")
    one = workdir / "one.txt"
    one.write_text("The government said on Monday that the talks would continue next week.\n", "utf-8")
    load = ("import importlib.util, spacy; "
            f"spacy.load(next(p for p in {PIPELINES!r} if importlib.util.find_spec(p)))")
    base = [sys.executable, "-m", "mtqa", "flags", str(one), "--models-dir", str(tiny)]
    return {SPACY_HIDDEN: [sys.executable, "-c", "import sys; sys.modules['torch'] = None; " + load],
            "import spacy + load the pipeline, plain (thinc imports torch)": [sys.executable, "-c", load],
            "mtqa --version": [sys.executable, "-m", "mtqa", "--version"],
            RULES_CHECK: [sys.executable, "-m", "mtqa", "check", str(one), "--signals", "rules"],
            "mtqa flags, rules only": [*base, "--signals", "rules"],
            "mtqa flags, tiny models, hf": [*base, "--backend", "hf"],
            "mtqa flags, tiny models, ct2": [*base, "--backend", "ct2"]}


SPACY_HIDDEN = "import spacy + load the pipeline, torch hidden (as mtqa loads it)"
RULES_CHECK = "mtqa check, rules only"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def report(n, ncores, load_before, machine, cold, rules, models) -> dict[str, str]:
    """Prints the machine, cold start, rules tier and model passes; returns the summary's fields."""
    srcs = sentences(n)
    bandwidth = median([max(m["bandwidth_1"], m["bandwidth_all"]) for m in machine])  # the better way to copy
    gemm = median([m["gemm"] for m in machine])
    load_after = os.getloadavg()
    print(f"\nmachine: {cpu_name()}, {ncores} cores, no GPU; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after; each figure: median (min-max) of {len(machine)} interleaved rounds")
    print(f"memory bandwidth (numpy copy, 256 MB): 1 thread {fig([m['bandwidth_1'] / 1e9 for m in machine])} GB/s, "
          f"{ncores} threads {fig([m['bandwidth_all'] / 1e9 for m in machine])} GB/s; "
          f"int8 GEMM (torch._int_mm 256x512x8192): {fig([m['gemm'] / 1e9 for m in machine], '.0f')} GOP/s")
    summary: dict[str, str] = {}
    if cold:
        print("\ncold start, fresh process to exit, one-sentence file (s):")
        for label, values in cold.items():
            print(f"| {label} | {fig(values, '.2f')} |")
        over = median(cold[RULES_CHECK]) - median(cold[SPACY_HIDDEN])
        print(f"rules-only check above import spacy + load (torch hidden): {over:.2f} s")
        summary["cold_over_spacy"] = f"{over:.2f}"
    same = len({r['digest'] for p in rules for r in rules[p]}) == 1
    print(f"\nrules tier (local engine, --signals rules, {RULES_ARTICLES} articles x 100 sentences), sentences/s:")
    print("| processes | sentences/s | peak RSS (MB) |")
    print("|---|---|---|")
    for p, runs in rules.items():
        mem = f"{max(r['peak_rss_mb'] for r in runs):.0f}"
        if p > 1:
            mem += f" + {p} x {max(r['worker_rss_mb'] for r in runs):.0f} (workers, shared pages counted again)"
        print(f"| {p} | {fig([r['rate'] for r in runs], '.0f')} | {mem} |")
    print(f"reports byte-identical across processes and rounds: {'yes' if same else 'NO'}")
    if models:
        print(f"\nmodel passes, {n} sentences (mean source {sum(map(len, srcs)) / len(srcs):.1f} tokens), "
              f"sentences/s; shortlist: {SHORTLIST_PIECES} of {VOCAB} pieces on the translation passes only")
        print("| pass | transformers fp32 b16 | mtqa ct2 int8 | ratio | ct2 int8 + shortlist | ratio |")
        print("|---|---|---|---|---|---|")
        keys = list(models["hf"][0]["times"])

        def rates(side, key=None):
            return [n / (r["times"][key] if key else sum(r["times"].values())) for r in models[side]]

        for key in keys + [None]:
            hf, ct2, short = rates("hf", key), rates("ct2", key), rates("ct2-shortlist", key)
            print(f"| {key or 'all 4 passes'} | {fig(hf, '.2f')} | {fig(ct2, '.2f')} | {median(ct2) / median(hf):.2f} | "
                  f"{fig(short, '.2f')} | {median(short) / median(hf):.2f} |")
        print("peak RSS (MB): " + ", ".join(f"{side} {max(r['peak_rss_mb'] for r in models[side]):.0f}"
                                            for side in models))
        # What one mtqa check with the model signals runs on CTranslate2: both translations (their mean
        # log-probs come with the greedy decode) and the likelihood's forced scoring of the English. With
        # a shortlist every translation is scored again in full: the German (score_en_de) and the round
        # trip's English, whose cost is taken as score_de_en's (same model, same shapes).
        check = [n / (r["times"]["translate_en_de"] + r["times"]["translate_de_en"] + r["times"]["score_de_en"])
                 for r in models["ct2"]]
        check_short = [n / (sum(r["times"].values()) + r["times"]["score_de_en"]) for r in models["ct2-shortlist"]]
        print(f"mtqa's own passes per check on CTranslate2 (both translations, the likelihood's scoring): "
              f"{fig(check, '.2f')} sentences/s; with the shortlist (every translation scored again in full): "
              f"{fig(check_short, '.2f')}")
        roof = greedy_roofline(srcs, bandwidth, gemm)
        greedy = [n / (r["times"]["translate_en_de"] + r["times"]["translate_de_en"]) for r in models["ct2"]]
        print(f"roofline of the two greedy passes (bandwidth {bandwidth / 1e9:.1f} GB/s, int8 GEMM {gemm / 1e9:.0f} GOP/s): "
              f"{roof:.1f} sentences/s; mtqa ct2 int8 reaches {fig(greedy)} = {median(greedy) / roof:.2f} of it")
        summary.update(speedup=f"{median(rates('ct2')) / median(rates('hf')):.2f}",
                       sentences_per_s=f"{median(rates('ct2')):.2f}", roofline_fraction=f"{median(greedy) / roof:.2f}")
    summary.update(rules_1=f"{median([r['rate'] for r in rules[1]]):.0f}",
                   rules_2=f"{median([r['rate'] for r in rules[2]]):.0f}")
    return summary


def report_tiers(tiers: dict[tuple[str, int], list[dict]], floor: list[dict], feeds: list[dict]) -> dict[str, str]:
    """The model-free tiers on news prose, their floor (spaCy, link-grammar) and the feed."""
    sentences = floor[0]["sentences"]
    print(f"\nmodel-free tiers, local engine, {TIER_ARTICLES} articles x 100 DEMETR sentences "
          f"({sentences} segments), sentences/s:")
    print("| tier | processes | sentences/s | peak RSS (MB) |")
    print("|---|---|---|---|")
    for (tier, p), runs in tiers.items():
        mem = f"{max(r['peak_rss_mb'] for r in runs):.0f}"
        if p > 1:
            mem += f" + {p} x {max(r['worker_rss_mb'] for r in runs):.0f} (workers)"
        label = {"rules": "rules", "default": "default model-free (" + ", ".join(TIER_SIGNALS) + ")",
                 "articles": "the same, article rows only (score, check as table or CSV)"}[tier]
        print(f"| {label} | {p} | {fig([r['rate'] for r in runs], '.0f')} | {mem} |")
    for tier in ("rules", "default"):
        same = len({r["digest"] for p in (1, 2) for r in tiers[(tier, p)]}) == 1
        print(f"{tier} tier reports byte-identical across processes and rounds: {'yes' if same else 'NO'}")
    spacy_rate = [f["sentences"] / f["spacy_s"] for f in floor]
    lg_ms = [1000 * f["lg_s"] / f["lg_sentences"] for f in floor]
    floor_rate = [f["sentences"] / (f["spacy_s"] + f["lg_s"]) for f in floor]
    print(f"one process: spaCy's own nlp.pipe (tok2vec, tagger, parser, attribute_ruler) over the same "
          f"paragraphs {fig(spacy_rate, '.0f')} sentences/s; link-grammar's strict parse {fig(lg_ms, '.2f')} ms "
          f"per parsed sentence ({floor[0]['lg_sentences']} of {sentences}); both together {fig(floor_rate, '.0f')} sentences/s")
    default_1 = median([r["rate"] for r in tiers[("default", 1)]])
    rules_pairs = [p["rules_over_spacy"] for f in floor for p in f["pairs"]]
    default_pairs = [p["default_over_floor"] for f in floor for p in f["pairs"]]
    rules_ratio, default_ratio = median(rules_pairs), median(default_pairs)
    print(f"rules tier / spaCy's nlp.pipe: {fig(rules_pairs, '.2f')}; default tier / (spaCy + link-grammar strict "
          f"parse): {fig(default_pairs, '.2f')} (one process; each ratio from a pair measured in turn over the "
          f"same articles, {len(rules_pairs)} pairs)")
    rules_apart = median([r["rate"] for r in tiers[("rules", 1)]]) / median(spacy_rate)
    print(f"the same ratios from the tiers' own processes (medians of separate runs, as before the pairs): "
          f"rules {rules_apart:.2f}, default {default_1 / median(floor_rate):.2f}")
    out = {"default_1": f"{default_1:.0f}", "default_2": f"{median([r['rate'] for r in tiers[('default', 2)]]):.0f}",
           "articles_1": f"{median([r['rate'] for r in tiers[('articles', 1)]]):.0f}",
           "rules_over_spacy": f"{rules_ratio:.2f}", "default_over_floor": f"{default_ratio:.2f}"}
    for fed in feeds:
        rate = fed["sentences"] / fed["seconds"]
        drawn = ("no sentence twice" if fed["distinct"]
                 else "each drawn from the 14,357 DEMETR sentences, so a sentence recurs")
        print(f"feed: mtqa score --feed --signals {','.join(TIER_SIGNALS)} --format csv, {fed['sentences']} sentences "
              f"in {fed['sentences'] // 100} articles ({drawn}), processes as the engine chooses, start-up "
              f"included: {fed['seconds']:.0f} s, {rate:.0f} sentences/s; largest process peaked at "
              f"{fed['peak_rss_mb']:.0f} MB")
        out["feed_distinct" if fed["distinct"] else "feed"] = f"{rate:.0f}"
    return out


if __name__ == "__main__":
    main()
