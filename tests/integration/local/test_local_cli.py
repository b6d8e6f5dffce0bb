"""``python -m infra.local`` as ``make run`` uses it: prints where everything is, serves, stops on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.integration.local.conftest import FIXTURES, TEMPLATE, http, json_body

REPO_ROOT = Path(__file__).resolve().parents[3]


def _lines(stream: object, sink: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.put(line)


def test_cli_starts_prints_urls_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    # GIVEN the command line on free ports with a seed module that does not exist
    stderr = (tmp_path / "stderr.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infra.local",
            "--template",
            str(TEMPLATE),
            "--code-root",
            str(FIXTURES),
            "--port",
            "0",
            "--moto-port",
            "0",
            "--api-key",
            "cli-key",
            "--seed-module",
            "no_such_seed_module",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "FAULT_RATE": "0.25", "FAULT_SEED": "9", "LOCAL_CONCURRENCY": "3"},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    output: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, output), daemon=True).start()
    try:
        # WHEN it is up
        printed: list[str] = []
        deadline = time.monotonic() + 30
        while not any("Ctrl-C to stop" in line for line in printed) and time.monotonic() < deadline:
            try:
                printed.append(output.get(timeout=0.5))
            except queue.Empty:
                assert process.poll() is None, (tmp_path / "stderr.log").read_text()
        text = "".join(printed)
        # THEN it printed the URLs, the key and a note about the missing seed module
        assert "note: no seed module no_such_seed_module" in text
        api_url = next(line.split()[1] for line in printed if line.strip().startswith("API "))
        assert "API key        cli-key" in text
        assert "moto endpoint  http://127.0.0.1:" in text
        assert "Faults         " in text and "(rate 0.25, seed 9, post-retry)" in text
        # AND serves the API, with the fault settings and concurrency from the environment
        status, _, _ = http("GET", api_url + "/items/1")
        assert status == 200
        base = api_url.rsplit("/", 1)[0]
        faults = json_body(http("GET", base + "/_local/faults")[2])
        assert (faults["rate"], faults["seed"], faults["mode"]) == (0.25, 9, "post-retry")
        functions = json_body(http("GET", base + "/_local/wiring")[2])["functions"]
        assert {f["concurrency"] for f in functions} == {3}
    finally:
        # WHEN Ctrl-C arrives THEN it stops cleanly
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=15)
        stderr.close()
    assert code == 0
    assert '"GET /test/items/1 HTTP/1.1" 200' in (tmp_path / "stderr.log").read_text()  # the access log


def test_cli_without_a_template_explains_how_to_make_one(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.local", "--template", str(tmp_path / "missing.json")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "python -m infra.app" in result.stderr
