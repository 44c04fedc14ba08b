"""The full signal path once on a MarianMT model with the real opus-mt-en-de shapes (random weights).

Tiny models (d_model 32, a 400-token vocabulary) hide shape, memory and batching bugs; this builds a
model with the real configuration (58,101-token vocabulary, 6+6 layers, d_model 512, pad id 58100)
and runs roundtrip, likelihood and fluency over a short article, then checks that batching does not
change a translation. It took 23 to 52 s on a shared 2-core machine (build 3 s, signal path 18-34 s,
batching check 2-19 s, about 1.3 GB of memory), more than the suite's budget, so it runs only with
MTQA_SLOW=1 (``make test-slow``).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time

import pytest

ARTICLE = ("According to a report by, there were no injuries.\n"
           "The government promised help for the families.\n")


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("MTQA_SLOW"),
                    reason="opus-mt-sized random model (about half a minute or more): set MTQA_SLOW=1 to run it")
def test_opus_mt_shapes_through_the_full_signal_path(tmp_path, tiny_models_dir):
    import torch

    import mtqa
    from mtqa.config import Config
    from mtqa.models.context import ModelContext
    from mtqa.testing.opus import D_MODEL, LAYERS, PAD, VOCAB, build_opus_sized_marian

    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)  # the tiny-model fixture set one thread: right for them only
    try:
        started = time.perf_counter()
        models = tmp_path / "models"
        forward = build_opus_sized_marian(models / "backtranslate", "en", "de", seed=7, pieces_only=True)
        backward = models / "roundtrip"  # same weights for the way back: the shapes are what is tested
        backward.mkdir()
        for f in forward.iterdir():
            if f.name != "mtqa-model.json":
                os.link(f, backward / f.name)
        (backward / "mtqa-model.json").write_text(json.dumps({"model_id": "mtqa-test/opus-mt-sized-de-en",
                                                              "kind": "marian", "tiny": True}))
        shutil.copytree(tiny_models_dir / "fluency", models / "fluency")
        config = json.loads((forward / "config.json").read_text())
        assert (config["vocab_size"], config["d_model"], config["encoder_layers"], config["decoder_layers"],
                config["pad_token_id"]) == (VOCAB, D_MODEL, LAYERS, LAYERS, PAD)
        assert (forward / "model.safetensors").stat().st_size > 250_000_000
        built = time.perf_counter()

        report = mtqa.check_text(ARTICLE, models_dir=models, lines=True)
        assert report.skipped_signals == ()
        assert "mtqa-test/opus-mt-sized-en-de@" in report.signature
        for scored in report.sentences:
            for name in ("roundtrip", "likelihood", "fluency"):
                values = scored.signals[name].values
                assert values and all(math.isfinite(v) for v in values.values()), (name, values)
        checked = time.perf_counter()

        # batching: two sentences of different lengths, padded together with pad id 58100, as alone
        translator = ModelContext(Config(models_dir=models)).translator("backtranslate")
        sentences = ARTICLE.splitlines()
        together = translator.translate(sentences)
        alone = [translator.translate([s])[0] for s in sentences]
        assert [t.text for t in together] == [t.text for t in alone]
        assert [t.mean_logprob for t in together] == pytest.approx([t.mean_logprob for t in alone], abs=1e-4)
        print(f"opus-mt-sized: built in {built - started:.1f} s, full signal path in {checked - built:.1f} s, "
              f"batching check in {time.perf_counter() - checked:.1f} s")
    finally:
        torch.set_num_threads(threads)
