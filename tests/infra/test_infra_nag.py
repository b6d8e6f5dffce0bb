"""cdk-nag (AWS Solutions): no unacknowledged finding, and no acknowledgment without a finding."""

from __future__ import annotations

import json

from cdk_nag import AwsSolutionsChecks


def test_synth_leaves_no_unacknowledged_findings(synth):
    # GIVEN the synthesized app (the synth itself raises on any unacknowledged finding)
    # WHEN the AWS Solutions pack checks the tree again, and the validation report is read
    report = AwsSolutionsChecks().validate_scope(synth.app)
    written = json.loads((synth.outdir / "validation-report.json").read_text())
    # THEN there is no error and no warning left
    assert [(v.rule_name, v.severity) for v in report.violations] == []
    assert all(not plugin.get("violations") for plugin in written["pluginReports"])


def test_every_acknowledgment_matches_a_real_finding(nag_audit):
    # GIVEN the findings of a build whose acknowledgments were only recorded
    assert nag_audit.acknowledgments, "no acknowledgments were recorded"
    for path, rule_id, reason in nag_audit.acknowledgments:
        # THEN each acknowledgment silences a finding on or below its construct, for a stated reason
        matches = [f for f in nag_audit.findings if f[1] == rule_id and (f[0] + "/").startswith(path + "/")]
        assert matches, f"stale acknowledgment {rule_id} on {path}"
        assert len(reason) > 30, f"{rule_id} on {path} needs a specific reason"


def test_every_finding_is_acknowledged(nag_audit):
    # GIVEN the findings without acknowledgments  THEN each one is covered by an acknowledgment
    for resource_path, rule_id, _ in nag_audit.findings:
        assert any(
            rule_id == ack_rule and (resource_path + "/").startswith(ack_path + "/")
            for ack_path, ack_rule, _ in nag_audit.acknowledgments
        ), f"{rule_id} on {resource_path} is not acknowledged"
