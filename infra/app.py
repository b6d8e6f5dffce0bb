"""CDK app entry point: ``.venv/bin/python -m infra.app`` (or ``npx cdk synth`` through cdk.json).

Writes to ``$CDK_OUTDIR`` or, when unset, to ``cdk.out`` at the repository root. Needs no AWS account,
no credentials and no Docker: assets are staged by :mod:`infra.staging` before the stack is built.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra import constants, staging
from infra.stack import NewsroomStack


def cdk_json_context(path: Path = staging.ROOT / "cdk.json") -> dict[str, Any]:
    """The ``context`` of cdk.json, so a direct ``python -m infra.app`` gets the same feature flags and
    settings as ``cdk synth`` (which passes them itself; the CLI's values win over these)."""
    if not path.is_file():
        return {}
    context: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("context", {})
    return context


def build_app(
    *,
    outdir: str | None = None,
    context: Mapping[str, Any] | None = None,
    build_dir: Path = staging.BUILD_DIR,
) -> tuple[App, NewsroomStack]:
    """Stage the assets, then build the app with its one stack, checked by cdk-nag's AWS Solutions pack."""
    function_code = staging.stage_functions((spec.name for spec in constants.FUNCTIONS), build_dir=build_dir)
    layer_dir = staging.build_layer(build_dir=build_dir)

    app = App(
        outdir=outdir or os.environ.get("CDK_OUTDIR") or str(staging.ROOT / constants.CDK_OUT_DIR),
        context={**cdk_json_context(), **(context or {})},
    )
    stack = NewsroomStack(
        app,
        constants.STACK_NAME,
        description="Newsroom: serverless news content pipeline",
        function_code=function_code,
        layer_dir=layer_dir,
    )
    # cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails the synth.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack


def main() -> None:
    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
