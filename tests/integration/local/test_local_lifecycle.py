"""Starting and stopping the runtime: strict wiring, process environment, threads and ports."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local import LocalRuntime, WiringError
from tests.integration.local.conftest import FIXTURES, TEMPLATE

PYTHON = {"Runtime": "python3.13", "Role": "arn:aws:iam::123456789012:role/r"}


def _write(tmp_path: Path, resources: dict[str, Any]) -> Path:
    path = tmp_path / "Broken.template.json"
    path.write_text(json.dumps({"Resources": resources}), encoding="utf-8")
    return path


@pytest.fixture
def broken_template(tmp_path: Path) -> Path:
    """A function whose module does not exist, and triggers the runtime cannot emulate (SNS, Kinesis)."""
    return _write(
        tmp_path,
        {
            "Orphan": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "nowhere.handler", **PYTHON}},
            "Good": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "localrt_workers.on_event", **PYTHON}},
            "Alerts": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "lambda",
                    "TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts",
                    "Endpoint": {"Fn::GetAtt": ["Good", "Arn"]},
                },
            },
            "FromKinesis": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "Good"},
                    "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                    "StartingPosition": "LATEST",
                },
            },
        },
    )


def _port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, int(port))) == 0


def test_strict_start_refuses_a_template_it_cannot_wire(broken_template: Path) -> None:
    # GIVEN a template with a missing handler module, an SNS subscription and a Kinesis mapping
    runtime = LocalRuntime(broken_template, code_root=FIXTURES)
    # WHEN started strictly
    with pytest.raises(WiringError) as raised:
        runtime.start()
    # THEN startup fails naming each problem (with the module's expected path), and nothing is left running
    message = str(raised.value)
    assert str(FIXTURES / "nowhere.py") in message
    assert "Alerts (AWS::SNS::Subscription) triggers Good but is not emulated" in message
    assert "FromKinesis: event source arn:aws:kinesis" in message
    assert LocalRuntime._running is None
    assert not [t.name for t in threading.enumerate() if t.name.startswith("local-")]


def test_lenient_start_reports_unwired_and_fails_invocations_like_lambda(broken_template: Path) -> None:
    # GIVEN the same template started leniently
    with LocalRuntime(broken_template, code_root=FIXTURES, strict=False) as runtime:
        # THEN the problems are in the wiring report
        assert len(runtime.wiring().unwired) == 3
        # AND invoking the orphan fails the way Lambda reports a bad handler
        outcome = runtime.invoke("Orphan", {})
        assert (outcome.ok, outcome.error_type) == (False, "Runtime.ImportModuleError")


def test_process_points_at_moto_while_running_and_is_restored_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a shell whose profile would point boto3 elsewhere
    monkeypatch.setenv("AWS_PROFILE", "someone-else")
    before = dict(os.environ)
    # WHEN the runtime runs
    with LocalRuntime(TEMPLATE, code_root=FIXTURES, stack_name="Fixture") as runtime:
        moto_url = runtime.moto_url
        # THEN plain boto3 in this process (as handlers use it) talks to moto, with dummy credentials
        assert os.environ["AWS_ENDPOINT_URL"] == moto_url
        assert os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
        assert "AWS_PROFILE" not in os.environ
        tables = boto3.client("dynamodb").list_tables()["TableNames"]
        assert tables == ["Fixture-ItemsTableABC12345"]
        assert any(t.name.startswith("local-stream-") for t in threading.enumerate())
    # AND after stop: environment restored, threads gone, moto down (its state reset)
    assert dict(os.environ) == before
    assert not [t.name for t in threading.enumerate() if t.name.startswith("local-") and t.is_alive()]
    assert not _port_open(moto_url)


def test_only_one_runtime_per_process() -> None:
    with LocalRuntime(TEMPLATE, code_root=FIXTURES) as first:
        assert first.api_url
        with pytest.raises(RuntimeError, match="already running"):
            LocalRuntime(TEMPLATE, code_root=FIXTURES).start()
