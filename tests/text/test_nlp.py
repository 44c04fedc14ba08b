"""The spaCy pipeline loads without torch (the rules tier's cold start), and torch still works after."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
from mtqa.text.sentences.nlp import english
doc = english()("The council met on Monday.")
print("torch loaded:", "torch" in sys.modules, "sentences:", len(list(doc.sents)))
import torch
print("torch works:", float(torch.ones(2).sum()))
"""


def test_the_pipeline_loads_without_torch_and_torch_imports_afterwards():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "torch loaded: False sentences: 1" in out.stdout
    assert "torch works: 2.0" in out.stdout
