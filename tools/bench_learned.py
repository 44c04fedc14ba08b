"""``make bench`` (second part): the learned signal's forward pass and the default check of one article.

Measured side by side in one run, each side in its own fresh process (threads = cores), repeated
``--repeats`` times, the median with the spread (min-max):

- the learned pass: sentences/s of ``mtqa.signals.learned.read`` (SmolLM2-135M cut to the heads'
  depth, token-budget batches) over ``--sentences`` news-length sentences of the seed article and its
  samples, and the heads on top; fp32 (what mtqa runs) against torch dynamic int8 quantization of
  the linear layers, with the largest difference of the sentence score (``quality``, DA z units)
  against fp32; and the same model run through all 30 layers, for scale;
- the machine's fp32 matrix-multiply rate (torch, the model's shapes), and what it bounds the pass
  at: 2 operations per weight and token;
- the default check of one article end to end (``mtqa check data/seed-article.txt``, a fresh process:
  imports, every model load, the check), with and without the learned signal.

Needs the converted model (``make setup`` converts it into ./models). Last line:
``learned_sentences_per_s=<x> int8_sentences_per_s=<y> int8_max_diff=<d> roofline_sentences_per_s=<r>
check_s=<s> check_without_learned_s=<t>``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def texts(n: int) -> list[str]:
    """News sentences from the repository's own sample articles, repeated to ``n``."""
    from mtqa.text.sentences.segment import segment
    from mtqa.types import Document

    out = []
    for path in sorted([ROOT / "data/seed-article.txt", *sorted((ROOT / "data/samples").glob("*.txt"))]):
        out += [s.text for s in segment(Document(path.name, str(path), path.read_text("utf-8"))) if s.kind == "body"]
    return (out * (n // max(1, len(out)) + 1))[:n]


def child(side: str, n: int) -> dict:
    import torch

    from mtqa.config import Config
    from mtqa.models import smollm
    from mtqa.models.context import ModelContext
    from mtqa.signals import learned

    head = learned.load_head()
    found = smollm.converted(MODELS)
    depth = 30 if side == "fp32-30-layers" else head.depth
    base, tok = smollm.load_for_reading(ModelContext(Config(models_dir=MODELS)), found, depth)
    if side == "int8":  # transformers' LlamaModel (the same numbers in fp32), its linear layers quantized
        import transformers

        config = transformers.AutoConfig.from_pretrained(str(found.path))
        config.num_hidden_layers = depth
        hf = transformers.AutoModel.from_pretrained(str(found.path), config=config, dtype="float32").eval()
        base = torch.ao.quantization.quantize_dynamic(hf, {torch.nn.Linear}, dtype=torch.qint8)
    sample = texts(n)
    learned.read(base, tok, sample[:64], head.layers, head.token_layer)  # warm-up
    start = time.perf_counter()
    readings = learned.read(base, tok, sample, head.layers, head.token_layer)
    seconds = time.perf_counter() - start
    mean, scale, coef = (torch.tensor(v) for v in (head.mean, head.scale, head.coef))
    quality = [float(((r.pooled - mean) / scale) @ coef) + head.intercept for r in readings] if depth == head.depth else []
    return {"rate": n / seconds, "quality": quality}


def gemm_rate() -> float:
    """fp32 GFLOP/s of torch on the model's shapes (a batch of 2,048 tokens by 576 x 1,536), the best of five."""
    import torch

    a, b = torch.randn(2048, 576), torch.randn(576, 1536)
    for _ in range(3):
        a @ b
    best, k = 0.0, 20
    for _ in range(5):  # a bound: the best of five runs, not their mean
        start = time.perf_counter()
        for _ in range(k):
            a @ b
        best = max(best, 2 * 2048 * 576 * 1536 * k / (time.perf_counter() - start) / 1e9)
    return best


def run_child(side: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", side, "--sentences", str(n)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_check(signals: str | None) -> float:
    cmd = [str(Path(sys.executable).with_name("mtqa")), "check", str(ROOT / "data/seed-article.txt"),
           "--models-dir", str(MODELS), "--format", "json"]
    if signals:
        cmd += ["--signals", signals]
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - start


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child")
    ap.add_argument("--sentences", type=int, default=600)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.sentences)))
        return
    from mtqa.models import smollm
    from mtqa.signals import learned

    try:
        smollm.converted(MODELS)
    except Exception as exc:  # noqa: BLE001 - any reason is reported the same way
        sys.exit(f"bench_learned: no converted SmolLM2 in {MODELS} ({exc}); run make setup")
    head = learned.load_head()
    rates: dict[str, list[float]] = {"fp32": [], "int8": [], "fp32-30-layers": []}
    diffs = []
    checks: dict[str, list[float]] = {"with learned": [], "without learned": []}
    for _ in range(args.repeats):
        fp32 = run_child("fp32", args.sentences)
        int8 = run_child("int8", args.sentences)
        rates["fp32"].append(fp32["rate"])
        rates["int8"].append(int8["rate"])
        diffs.append(max(abs(a - b) for a, b in zip(fp32["quality"], int8["quality"])))
        rates["fp32-30-layers"].append(run_child("fp32-30-layers", args.sentences // 4)["rate"])
        checks["with learned"].append(timed_check(None))
        checks["without learned"].append(timed_check("rules,grammar,fluency,roundtrip,likelihood"))
    gflops = gemm_rate()
    from mtqa.models.llama import Tokenizer

    tokenizer = Tokenizer(smollm.converted(MODELS).path)
    tokens = statistics.mean(len(tokenizer(t)["input_ids"]) for t in texts(args.sentences))
    flop_per_sentence = 2 * tokens * head.depth * (576 * (576 + 192 + 192 + 576) + 3 * 576 * 1536)  # q, k, v, o; gate, up, down
    roofline = gflops * 1e9 / flop_per_sentence
    print(f"learned pass, {args.sentences} sentences, depth {head.depth} of 30 layers, sentences/s:")
    for side, values in rates.items():
        print(f"  {side:16} {spread(values)}")
    print(f"  int8 vs fp32: largest difference of quality {max(diffs):.3f} (DA z units; the head's spread on "
          f"MLQE-PE is about 1)")
    print(f"  fp32 matrix multiply {gflops:.0f} GFLOP/s: at ~{tokens:.0f} tokens a sentence the pass is bounded at "
          f"{roofline:.0f} sentences/s; reached {statistics.median(rates['fp32']) / roofline:.2f} of it")
    for side, values in checks.items():
        print(f"mtqa check, one article, {side}: {spread(values, '{:.2f}')} s")
    print(f"learned_sentences_per_s={statistics.median(rates['fp32']):.1f} "
          f"int8_sentences_per_s={statistics.median(rates['int8']):.1f} int8_max_diff={max(diffs):.3f} "
          f"roofline_sentences_per_s={roofline:.0f} check_s={statistics.median(checks['with learned']):.2f} "
          f"check_without_learned_s={statistics.median(checks['without learned']):.2f}")


if __name__ == "__main__":
    main()
