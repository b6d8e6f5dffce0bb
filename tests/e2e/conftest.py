"""End-to-end tier: `python -m infra.local` (what `make run` starts) as a separate process, over HTTP.

The synthesized template must exist (`make test` synthesizes first).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "cdk.out" / "Newsroom.template.json"
API_KEY = "e2e-test-key"
STARTUP_TIMEOUT_S = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Http:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Stack:
    base_url: str
    moto_url: str
    process: subprocess.Popen[bytes]
    stage: str = "/v1"  # like an API Gateway invoke URL: https://{id}.execute-api.{region}.amazonaws.com/v1
    _tokens: dict[Any, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return self.base_url + self.stage

    def site(self, path: str) -> Http:
        """A file of the site bucket, served where CloudFront serves it in AWS."""
        return self.request("GET", path, base=f"{self.base_url}/site")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        base: str | None = None,
    ) -> Http:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"content-type": "application/json", **(headers or {})}
        request = urllib.request.Request(f"{base or self.api_url}{path}", data=data, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return Http(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Http(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def local(self, method: str, path: str, body: Any = None) -> Http:
        """One of the runtime's own endpoints (``/_local/...``)."""
        return self.request(method, path, body, base=self.base_url)

    def token(self, role: str = "editor", **claims: Any) -> str | None:
        """A token of the template's user pool from the running runtime (None: the template has none)."""
        key = (role, tuple(sorted(claims.items())))
        if key not in self._tokens:
            response = self.local("POST", "/_local/token", {"role": role, **claims})
            if response.status == 404:
                return None
            assert response.status == 200, response.body
            self._tokens[key] = str(response.json()["token"])
        return self._tokens[key]

    def write_headers(self, role: str = "editor") -> dict[str, str]:
        """What a CMS sends on writes: the API key, and a bearer token when the API has an authorizer."""
        headers = {"x-api-key": API_KEY}
        token = self.token(role)
        if token:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def submit(self, article: dict[str, Any], role: str = "editor") -> str:
        response = self.request("POST", "/articles", article, headers=self.write_headers(role))
        assert response.status == 202, response.body
        return str(response.json()["id"])

    def wait_idle(self, timeout: float = 30.0) -> dict[str, Any]:
        """Wait for ``/_local/idle`` to say idle twice in a row; returns the last report."""
        deadline, quiet = time.monotonic() + timeout, 0
        while True:
            report = self.local("GET", "/_local/idle").json()
            quiet = quiet + 1 if report["idle"] else 0
            if quiet >= 2:
                return dict(report)
            if time.monotonic() > deadline:
                raise AssertionError(f"not idle within {timeout} s: {report['reasons']}")
            time.sleep(0.1)

    def faults(self, **settings: Any) -> dict[str, Any]:
        """Change the runtime's fault injection (``PUT /_local/faults``); returns its report."""
        response = self.local("PUT", "/_local/faults", settings)
        assert response.status == 200, response.body
        return dict(response.json())

    def wait_for(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s")
            time.sleep(0.05)

    def boto(self, service: str) -> Any:
        import boto3  # noqa: PLC0415

        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.moto_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if not TEMPLATE.exists():
        pytest.fail(f"{TEMPLATE.relative_to(ROOT)} is missing: run `make synth` (make test does it)")
    (ROOT / ".build").mkdir(exist_ok=True)
    port, moto_port = _free_port(), _free_port()
    env = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "API_KEY": API_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local", "--template", str(TEMPLATE), "--no-seed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / ".build" / "e2e-local.log", "wb"),  # noqa: SIM115 - lives as long as the process
    )
    running = Stack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}", process)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"the local runtime exited with {process.returncode}: see .build/e2e-local.log")
        try:
            if running.request("GET", "/health").status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the local runtime did not answer /health in time: see .build/e2e-local.log")
        time.sleep(0.2)
    yield running
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
