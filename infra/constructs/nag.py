"""cdk-nag v3 acknowledgments through CDK's own ``Validations`` API (v3 has no ``NagSuppressions``).

An acknowledgment applies to the construct and everything below it. A rule that reports several
findings (e.g. ``AwsSolutions-IAM5``) is acknowledged one finding at a time:
``AwsSolutions-IAM5[Resource::*]``. Constructs call ``nag.acknowledge(...)`` through this module, so
a test can swap it out and check that every acknowledgment still matches a real finding.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from aws_cdk import aws_s3 as s3
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Record why ``rule_id`` does not apply to ``scope`` (the reason lands in the validation report)."""
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def object_prefix_finding(bucket: s3.Bucket, prefix: str) -> str:
    """cdk-nag's IAM5 finding for a grant on ``<bucket ARN>/<prefix>/*`` (the logical id is resolved now)."""
    cfn = bucket.node.default_child
    assert isinstance(cfn, CfnElement)
    stack = Stack.of(bucket)
    logical_id = stack.resolve(stack.get_logical_id(cfn))
    return f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{prefix}/*]"
