"""The offline guarantee: with ``offline`` set, no library mtqa uses may reach the network.

Model lookup already asks only the local disk (``local_files_only``); these switches also stop
the Hugging Face libraries' own calls (update checks, telemetry, implicit downloads), including
in a library that was imported before the check started.
"""

from __future__ import annotations

import os
import sys

SWITCHES = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}


def enforce() -> None:
    """Switch the Hugging Face libraries to offline mode for the rest of this process."""
    os.environ.update(SWITCHES)
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # read once at import: set the module's copy too
        constants.HF_HUB_OFFLINE = True
        if hasattr(constants, "HF_HUB_DISABLE_TELEMETRY"):
            constants.HF_HUB_DISABLE_TELEMETRY = True
