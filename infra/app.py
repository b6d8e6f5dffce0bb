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

from infra import config, constants, staging
from infra.config import StageConfig
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
    """Validate the stage's settings, stage the assets, then build the app with its one stack, checked by
    cdk-nag's AWS Solutions pack."""
    app = App(
        outdir=outdir or os.environ.get("CDK_OUTDIR") or str(staging.ROOT / constants.CDK_OUT_DIR),
        context={**cdk_json_context(), **(context or {})},
    )
    stage_config = StageConfig.from_context(_context_of(app, context or {}))
    function_code = staging.stage_functions((spec.name for spec in constants.FUNCTIONS), build_dir=build_dir)
    layer_dirs = staging.build_layers(build_dir=build_dir)
    stack = NewsroomStack(
        app,
        constants.STACK_NAME,
        description="Newsroom: serverless news content pipeline",
        config=stage_config,
        function_code=function_code,
        layer_dirs=layer_dirs,
    )
    # cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails the synth.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack


def _context_of(app: App, passed: Mapping[str, Any]) -> dict[str, Any]:
    """Every ``newsroom:*`` context value the app sees: the known keys, and any other key of that prefix
    in cdk.json, the CDK CLI's ``-c`` or ``context=`` (so a misspelt key fails validation, not silently)."""
    keys = {*config.context_keys().values(), config.STAGE_KEY, config.STAGES_KEY}
    for source in (cdk_json_context(), _cli_context(), passed):
        keys |= {key for key in source if key.startswith(config.PREFIX)}
    return {key: value for key in sorted(keys) if (value := app.node.try_get_context(key)) is not None}


def _cli_context() -> dict[str, Any]:
    """Context the CDK CLI hands the app (``CDK_CONTEXT_JSON``), so ``-c newsroom:x=y`` is seen."""
    raw = os.environ.get("CDK_CONTEXT_JSON")
    return dict(json.loads(raw)) if raw else {}


def main() -> None:
    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
