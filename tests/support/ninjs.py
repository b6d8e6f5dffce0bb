"""The official IPTC ninjs schemas (vendored in tests/fixtures/ninjs), ready to validate documents offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

NINJS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "ninjs"
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"

# jsonschema checks "uri" only when rfc3987 is installed; this small RFC 3986 check keeps it honest.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_FORMATS = FormatChecker()


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def load_fixture(name: str) -> Any:
    return json.loads((NINJS_DIR / name).read_text(encoding="utf-8"))


def ninjs_validator(schema_file: str = "ninjs-schema_3.1.json") -> Draft202012Validator:
    geojson = Resource.from_contents(load_fixture("GeoJSON-schema.json"))
    registry = Registry().with_resource(GEOJSON_URI, geojson)
    schema = load_fixture(schema_file)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry, format_checker=_FORMATS)
