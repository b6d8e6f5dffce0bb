"""Per-function environment variables in one process (infra/local/environ.py): pure, no moto."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from infra.local import environ
from infra.local.environ import EnvironmentLayer, LayeredEnviron


@pytest.fixture
def layered(monkeypatch: pytest.MonkeyPatch) -> Iterator[LayeredEnviron]:
    monkeypatch.setenv("SHARED", "process")
    monkeypatch.delenv("ONLY_A", raising=False)
    installed = environ.install()
    try:
        yield installed
    finally:
        environ.uninstall()


def test_a_thread_using_a_layer_sees_it_over_the_process_environment(layered: LayeredEnviron) -> None:
    layer = EnvironmentLayer({"ONLY_A": "a", "SHARED": "mine"})
    with layered.using(layer):
        # os.environ and os.getenv are the layered view
        assert (os.environ["ONLY_A"], os.getenv("SHARED")) == ("a", "mine")
        assert {"ONLY_A", "SHARED", "PATH"} <= set(os.environ)
        assert os.environ.copy()["SHARED"] == "mine"
    assert os.environ["SHARED"] == "process"
    assert "ONLY_A" not in os.environ


def test_writes_and_deletes_inside_a_layer_stay_in_it(layered: LayeredEnviron) -> None:
    layer = EnvironmentLayer({})
    with layered.using(layer):
        os.environ["WRITTEN"] = "1"
        del os.environ["SHARED"]
        assert "SHARED" not in os.environ and os.environ.get("WRITTEN") == "1"
        with pytest.raises(KeyError):
            del os.environ["SHARED"]
    # the process environment is untouched, and the layer keeps its changes for next time
    assert os.environ["SHARED"] == "process" and "WRITTEN" not in os.environ
    with layered.using(layer):
        assert os.environ.get("WRITTEN") == "1" and "SHARED" not in os.environ


def test_concurrent_threads_each_see_their_own_layer(layered: LayeredEnviron) -> None:
    barrier = threading.Barrier(4)
    seen: dict[int, list[str | None]] = {}

    def run(n: int) -> None:
        with layered.using(EnvironmentLayer({"WHO": f"fn-{n}"})):
            barrier.wait()  # all four layers active at once
            seen[n] = [os.environ.get("WHO") for _ in range(50)]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {n: [f"fn-{n}"] * 50 for n in range(4)}
    assert "WHO" not in os.environ


def test_uninstall_restores_the_original_mapping() -> None:
    original = os.environ
    environ.install()
    assert os.environ is not original
    environ.uninstall()
    assert os.environ is original
