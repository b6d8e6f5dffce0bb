"""Per-function environment variables in one process, without serializing invocations.

In Lambda each function has its own process and its own ``os.environ``. Locally every function runs
in this process, concurrently. ``LayeredEnviron`` replaces ``os.environ`` while the runtime runs: a
thread that is running (or importing) a function sees that function's variables layered over the
process environment; every other thread sees the process environment. Writes made by function code
go to the function's own layer (they persist across its invocations, as they would in a warm
execution environment, and never leak into other functions).

Limits: threads that function code starts itself see the process environment (the layer is
per thread), and a module shared by two functions is imported once, with the variables of the first
function that imports it (see the wiring notes).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

_MISSING = object()


class EnvironmentLayer:
    """One function's variables: set values and names it removed."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values: dict[str, str] = dict(values)
        self.removed: set[str] = set()
        self.lock = threading.Lock()


class LayeredEnviron(MutableMapping[str, str]):
    """A drop-in ``os.environ``: the current thread's layer (if any) over the process environment."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base
        self._local = threading.local()

    # -- the current layer ------------------------------------------------------------------------
    def layer(self) -> EnvironmentLayer | None:
        return getattr(self._local, "layer", None)

    @contextmanager
    def using(self, layer: EnvironmentLayer) -> Iterator[None]:
        previous = self.layer()
        self._local.layer = layer
        try:
            yield
        finally:
            self._local.layer = previous

    # -- mapping ------------------------------------------------------------------------------------
    def __getitem__(self, key: str) -> str:
        layer = self.layer()
        if layer is not None:
            value = layer.values.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
            if key in layer.removed:
                raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        layer = self.layer()
        if layer is None:
            self.base[key] = value
            return
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"str expected, not {type(key if not isinstance(key, str) else value).__name__}")
        with layer.lock:
            layer.values[key] = value
            layer.removed.discard(key)

    def __delitem__(self, key: str) -> None:
        layer = self.layer()
        if layer is None:
            del self.base[key]
            return
        with layer.lock:
            present = key in layer.values or (key in self.base and key not in layer.removed)
            if not present:
                raise KeyError(key)
            layer.values.pop(key, None)
            layer.removed.add(key)

    def _keys(self) -> list[str]:
        layer = self.layer()
        if layer is None:
            return list(self.base)
        with layer.lock:
            own = list(layer.values)
            removed = set(layer.removed)
        return own + [key for key in self.base if key not in layer.values and key not in removed]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def copy(self) -> dict[str, str]:
        return {key: self[key] for key in self._keys()}

    def __repr__(self) -> str:
        return f"LayeredEnviron({self.copy()!r})"

    # os._Environ extras some code uses
    def __or__(self, other: Any) -> dict[str, str]:
        return {**self.copy(), **dict(other)}

    def __ror__(self, other: Any) -> dict[str, str]:
        return {**dict(other), **self.copy()}


_INSTALL_LOCK = threading.Lock()
_installed: LayeredEnviron | None = None
_users = 0


def install() -> LayeredEnviron:
    """Make ``os.environ`` layered (nested calls share one instance; ``uninstall`` undoes the last)."""
    global _installed, _users  # noqa: PLW0603 - os.environ is process-wide
    with _INSTALL_LOCK:
        if _installed is None:
            _installed = LayeredEnviron(os.environ)
            os.environ = _installed  # type: ignore[assignment]  # noqa: B003 - replaced on purpose, restored later
        _users += 1
        return _installed


def uninstall() -> None:
    global _installed, _users  # noqa: PLW0603
    with _INSTALL_LOCK:
        if _installed is None:
            return
        _users -= 1
        if _users <= 0:
            os.environ = _installed.base  # type: ignore[assignment]  # noqa: B003
            _installed, _users = None, 0


def current() -> LayeredEnviron | None:
    return _installed
