"""The local runtime: the synthesized CDK template deployed into moto, handlers run in-process.

``python -m infra.local`` (``make run``) starts it; tests use ``LocalRuntime`` directly. Names are
imported on first use, so the light command-line verbs (``token``, ``redrive``) start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.local.cli import main
    from infra.local.runtime import LocalRuntime, WiredFunction, WiredTrigger, Wiring, WiringError

__all__ = ["LocalRuntime", "WiredFunction", "WiredTrigger", "Wiring", "WiringError", "main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        return importlib.import_module("infra.local.cli").main
    if name in __all__:
        return getattr(importlib.import_module("infra.local.runtime"), name)
    raise AttributeError(f"module 'infra.local' has no attribute {name!r}")
