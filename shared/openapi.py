"""Finishing touches on the generated OpenAPI document: shared schemas and problem+json errors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.problems import CONTENT_TYPE


def add_component_schemas(openapi: dict[str, Any], *models: type[BaseModel]) -> dict[str, Any]:
    """Register models that responses reference by name but no route returns as its annotated type."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return openapi


def problem_errors(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document errors as they are sent: problem+json, not the framework's default 422 body."""
    schemas = openapi.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    reference = {"$ref": "#/components/schemas/Problem"}
    for operation in (op for path in openapi.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            if str(status).startswith(("4", "5")):
                response["content"] = {CONTENT_TYPE: {"schema": reference}}
    return openapi
