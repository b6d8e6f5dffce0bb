"""cdk-nag v3 acknowledgments through CDK's own ``Validations`` API (v3 has no ``NagSuppressions``).

An acknowledgment applies to the construct and everything below it. A rule that reports several
findings (e.g. ``AwsSolutions-IAM5``) is acknowledged one finding at a time:
``AwsSolutions-IAM5[Resource::*]``. Constructs call ``nag.acknowledge(...)`` through this module, so
a test can swap it out and check that every acknowledgment still matches a real finding.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Record why ``rule_id`` does not apply to ``scope`` (the reason lands in the validation report)."""
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def wildcard_finding(resource: IConstruct, suffix: str, attribute: str = "Arn") -> str:
    """cdk-nag's IAM5 finding for a grant on ``<resource's ARN><suffix>`` (e.g. ``/index/*``, ``/submissions/*``).

    The logical id is resolved now, so the acknowledgment names the exact finding and nothing broader.
    """
    cfn = resource.node.default_child if not isinstance(resource, CfnElement) else resource
    assert isinstance(cfn, CfnElement)
    stack = Stack.of(resource)
    logical_id = stack.resolve(stack.get_logical_id(cfn))
    return f"AwsSolutions-IAM5[Resource::<{logical_id}.{attribute}>{suffix}]"
