"""The local runtime: the synthesized CDK template deployed into moto, handlers run in-process.

``python -m infra.local`` (``make run``) starts it; tests use ``LocalRuntime`` directly.
"""

from infra.local.cli import main
from infra.local.runtime import LocalRuntime, WiredFunction, WiredTrigger, Wiring, WiringError

__all__ = ["LocalRuntime", "WiredFunction", "WiredTrigger", "Wiring", "WiringError", "main"]
