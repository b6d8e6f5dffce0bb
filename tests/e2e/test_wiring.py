"""Local wiring cannot drift from the deployment: everything that runs in AWS runs locally."""

from __future__ import annotations

import json

from tests.e2e.conftest import TEMPLATE, Stack


def _resources(kind: str) -> set[str]:
    template = json.loads(TEMPLATE.read_text())
    return {logical_id for logical_id, r in template["Resources"].items() if r["Type"] == kind}


def test_every_function_and_trigger_in_the_template_is_wired_locally(stack: Stack) -> None:
    # GIVEN the synthesized template and the running local stack's own account of its wiring
    wiring = stack.request("GET", "/_local/wiring", base=stack.base_url).json()
    wired_functions = {f["logical_id"] for f in wiring["functions"]}
    wired_triggers = {t["logical_id"] for t in wiring["triggers"]}
    # THEN every Lambda function of the template runs locally, from its own handler
    assert wired_functions == _resources("AWS::Lambda::Function")
    assert all(f["module_file"] for f in wiring["functions"])
    # AND every event source mapping and every API method is wired to its function
    assert _resources("AWS::Lambda::EventSourceMapping") <= wired_triggers
    assert _resources("AWS::ApiGateway::Method") <= wired_triggers
    # AND every rule delivers to its targets
    rules_wired = {t.split("/")[0] for t in wired_triggers}
    assert _resources("AWS::Events::Rule") <= rules_wired
    # AND nothing that should run was left out
    assert wiring["unwired"] == []
