"""Infra tier: CDK assertions on the synthesized template. One synth per test session.

The app is built exactly as ``python -m infra.app`` builds it (same staging, same context, same
cdk-nag plugin), but into a temporary cloud assembly so cdk.out is left to ``make synth``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra import constants
from infra.app import build_app
from infra.constructs import nag
from infra.stack import NewsroomStack


@dataclass(frozen=True)
class Synth:
    app: App
    stack: NewsroomStack
    template: Template
    json: dict[str, Any]
    outdir: Path
    template_file: str

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.json["Resources"].items()
            if resource["Type"] == resource_type
        }

    def one(self, resource_type: str) -> tuple[str, dict[str, Any]]:
        found = self.resources(resource_type)
        assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
        return next(iter(found.items()))

    def functions(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """spec name -> (logical id, resource), keyed by the ``newsroom:function`` tag."""
        by_name = {}
        for logical_id, resource in self.resources("AWS::Lambda::Function").items():
            tags = {tag["Key"]: tag["Value"] for tag in resource["Properties"].get("Tags", [])}
            by_name[tags[constants.FUNCTION_TAG]] = (logical_id, resource)
        return by_name

    def logical_id(self, path_prefix: str, resource_type: str) -> str:
        """The one resource of ``resource_type`` whose logical id starts with ``path_prefix`` (its construct path)."""
        matches = [logical_id for logical_id in self.resources(resource_type) if logical_id.startswith(path_prefix)]
        assert len(matches) == 1, f"{path_prefix} {resource_type}: {matches}"
        return matches[0]

    def statements(self, function_name: str) -> list[dict[str, Any]]:
        """Every policy statement attached to a function's execution role."""
        _, function = self.functions()[function_name]
        return self.role_statements(function["Properties"]["Role"]["Fn::GetAtt"][0])

    def role_statements(self, role_id: str) -> list[dict[str, Any]]:
        """Every policy statement attached to a role (its policies and inline policies)."""
        statements: list[dict[str, Any]] = []
        for policy in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role_id} in policy["Properties"]["Roles"]:
                statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
        role = self.json["Resources"][role_id]["Properties"]
        for inline in role.get("Policies", []):
            statements.extend(inline["PolicyDocument"]["Statement"])
        return statements


@dataclass(frozen=True)
class NagAudit:
    """Findings of a second build whose acknowledgments were recorded instead of applied."""

    acknowledgments: list[tuple[str, str, str]] = field(default_factory=list)  # (path, rule id, reason)
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (resource path, rule id, severity)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(outdir=str(outdir))
    assembly = app.synth()  # runs cdk-nag: an unacknowledged finding raises here
    artifact = assembly.get_stack_by_name(stack.stack_name)
    return Synth(
        app=app,
        stack=stack,
        template=Template.from_json(artifact.template),
        json=artifact.template,
        outdir=outdir,
        template_file=artifact.template_file,
    )


@pytest.fixture(scope="session")
def nag_audit(tmp_path_factory: pytest.TempPathFactory) -> NagAudit:
    audit = NagAudit()

    def record(scope: Any, rule_id: str, reason: str) -> None:
        audit.acknowledgments.append((scope.node.path, rule_id, reason))

    with mock.patch.object(nag, "acknowledge", side_effect=record):
        app, _ = build_app(outdir=str(tmp_path_factory.mktemp("cdk.out.unacknowledged")))
    report = AwsSolutionsChecks().validate_scope(app)
    for violation in report.violations:
        for resource in violation.violating_resources:
            audit.findings.append((str(resource.construct_path), violation.rule_name, str(violation.severity)))
    return audit
