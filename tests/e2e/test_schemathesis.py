"""The served OpenAPI document, fuzzed against the running API: no server error, no answer off the schema.

Bounded and seeded: a few examples per operation, derandomized, so a run is repeatable and cheap.
Editorial routes get the CMS's credentials (an editor's token and the API key), so generated bodies
reach the function's validation, not only API Gateway's authorizer.

The document is read from the running stack, so operations are walked inside one test rather than
parametrized at collection time (the stack does not exist yet when pytest collects).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Err

from tests.e2e.conftest import Stack

MAX_EXAMPLES = 12
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_the_api_answers_every_generated_request_within_its_schema(stack: Stack) -> None:
    # GIVEN the OpenAPI document the running API serves
    schema = schemathesis.openapi.from_url(f"{stack.api_url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation the document cannot describe is itself a failure
        operations.append(result.ok())
    assert len(operations) >= 10, "the document should declare every route"
    called: list[str] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            # WHEN a generated request is sent with the newsroom's credentials
            # THEN no server error, and status, content type and body are ones the document declares
            case.call_and_validate(base_url=stack.api_url, headers=stack.write_headers(), checks=CHECKS)
            called.append(case.operation.label)

        exercise()

    assert {label for label in called} == {operation.label for operation in operations}
