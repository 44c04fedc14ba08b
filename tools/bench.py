"""``make bench``: the 4-pass model pipeline on plain transformers fp32 against mtqa's fastest path.

No weights can be downloaded, so the models are full-size random-weight MarianMT models with the
real opus-mt-en-de configuration (d_model 512, 6+6 layers, 8 heads, ffn 2048, vocabulary 58101).
Random weights never choose end-of-sentence, so every output length is forced
(``min_new_tokens == max_new_tokens``; CTranslate2 ``min_decoding_length == max_decoding_length``)
to what a real model writes: 1.15x the source. The cost per sentence then equals a real model's.

Passes per sentence: en→de translate, de→en translate, forced scoring of the English under de→en
(likelihood) and of the German under en→de (back-translation log-prob). The sentences are token ids
(no tokenizer exists for random weights), so both paths time model work only.

Baseline: transformers fp32, batches of 16 in input order, what a user would write. mtqa path:
CTranslate2 int8 with mtqa's thread split and token-budget, length-sorted batches. Each path runs in
its own subprocess so its peak RSS is its own. The roofline is an int8 GEMM measured in this run.
Last line: ``speedup=<x> sentences_per_s=<y> roofline_fraction=<z>``.
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


def run_ct2(workdir: Path, srcs: list[list[int]]) -> dict:
    import ctranslate2

    from mtqa.models.backends.batching import DEFAULT_BATCH_TOKENS, scoring_budget, token_batches
    from mtqa.models.backends.ct2 import compute_type_for, thread_counts

    inter, intra = thread_counts()
    models = {name: ctranslate2.Translator(str(workdir / f"{name}-ct2"), device="cpu",
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
                return_scores=True, asynchronous=True)))
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


def child(path: str, workdir: Path, n: int) -> None:
    srcs = sentences(n)
    times = (run_hf if path == "hf" else run_ct2)(workdir, srcs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"path": path, "n": n, "times": times, "peak_rss_mb": rss_mb}))


def run_child(path: str, workdir: Path, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", path, "--workdir", str(workdir), "-n", str(n)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start(workdir: Path) -> dict[str, float]:
    """Wall time of ``mtqa flags`` on a one-sentence file, in a fresh process (tiny models)."""
    from mtqa.cli.models_cmd import convert_models
    from mtqa.config import Config
    from mtqa.testing.tiny import build_tiny

    tiny = build_tiny(workdir / "tiny")
    convert_models(Config(models_dir=tiny), [], "int8")
    one = workdir / "one.txt"
    one.write_text("The government said on Monday that the talks would continue next week.\n", "utf-8")
    result = {}
    for label, extra in (("rules only", ["--signals", "rules"]), ("tiny models, hf", ["--backend", "hf"]),
                         ("tiny models, ct2", ["--backend", "ct2"])):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mtqa", "flags", str(one), "--models-dir", str(tiny), *extra],
                       check=True, capture_output=True)
        result[label] = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("MTQA_BENCH_SENTENCES", "200")))
    parser.add_argument("--child", choices=("hf", "ct2"))
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.workdir, args.n)
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as tmp:
        workdir = Path(tmp)
        t0 = time.perf_counter()
        build_models(workdir)
        print(f"built and converted two random-weight opus-mt-sized models in {time.perf_counter() - t0:.0f} s",
              flush=True)
        gemm = int8_gemm_rate()
        hf = run_child("hf", workdir, args.n)
        ct2 = run_child("ct2", workdir, args.n)
        cold = cold_start(workdir)
    srcs = sentences(args.n)
    back = [round(len(s) * OUT_RATIO) for s in srcs]
    greedy_flops = sum(flops(len(s), out_len(s)) + flops(b, len(s)) for s, b in zip(srcs, back))
    print(f"\nmachine: {os.cpu_count()} cores, no GPU; n={args.n} sentences, mean source "
          f"{sum(map(len, srcs)) / len(srcs):.1f} tokens, output forced to {OUT_RATIO}x")
    print(f"int8 GEMM (torch._int_mm 256x512x8192): {gemm / 1e9:.0f} GOP/s; greedy work "
          f"{greedy_flops / len(srcs) / 2e9:.2f} GFLOP per sentence per translation pass")
    print("| pass | transformers fp32 b16 (sent/s) | mtqa ct2 int8 (sent/s) | ratio |")
    print("|---|---|---|---|")
    for key in hf["times"]:
        a, b = args.n / hf["times"][key], args.n / ct2["times"][key]
        print(f"| {key} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    total_hf, total_ct2 = sum(hf["times"].values()), sum(ct2["times"].values())
    print(f"| all 4 passes | {args.n / total_hf:.2f} | {args.n / total_ct2:.2f} | {total_hf / total_ct2:.2f} |")
    print(f"peak RSS: transformers {hf['peak_rss_mb']:.0f} MB, mtqa ct2 int8 {ct2['peak_rss_mb']:.0f} MB")
    print("cold start, mtqa flags on one sentence: " + ", ".join(f"{k} {v:.1f} s" for k, v in cold.items()))
    greedy_time = ct2["times"]["translate_en_de"] + ct2["times"]["translate_de_en"]
    roofline = gemm / (greedy_flops / args.n)  # sentences/s through both greedy passes at GEMM speed
    achieved = args.n / greedy_time
    print(f"greedy passes: {achieved:.2f} sentences/s through both, roofline {roofline:.2f}")
    print(f"speedup={total_hf / total_ct2:.2f} sentences_per_s={args.n / total_ct2:.2f} "
          f"roofline_fraction={achieved / roofline:.2f}")


if __name__ == "__main__":
    main()
