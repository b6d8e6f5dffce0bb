"""Template reading without moto: intrinsic functions, dependency order, names, filter patterns and
API Gateway routing/response mapping (the pure parts of the local runtime)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from infra.local import names
from infra.local.apigw import MalformedResponse, RestApi, Route, http_response
from infra.local.patterns import PatternError, matches, matches_any, parse_filters
from infra.local.template import NO_VALUE, Resolver, Template, TemplateError


class FakeLookup:
    """Physical ids and attributes as a deployment would give them."""

    def ref(self, logical_id: str) -> Any:
        return f"phys-{logical_id}"

    def get_att(self, logical_id: str, attribute: str) -> Any:
        return f"arn:{logical_id}:{attribute}"


BODY: dict[str, Any] = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev"},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"},
    },
    "Mappings": {"Sizes": {"dev": {"Memory": 256}}},
    "Conditions": {
        "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
        "IsProd": {"Fn::Not": [{"Condition": "IsDev"}]},
        "DevInUsEast": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]},
    },
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Table": {"Type": "AWS::DynamoDB::Table", "DependsOn": "Queue"},
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Environment": {"Variables": {"Q": {"Fn::Sub": "${Queue.Arn}/${Table}"}}}},
        },
        "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Condition": "IsProd"},
    },
}


@pytest.fixture
def resolver() -> Resolver:
    return Resolver(Template.from_dict(BODY), FakeLookup(), stack_name="Stack")


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ({"Ref": "Stage"}, "dev"),
        ({"Ref": "Zones"}, ["a", "b"]),
        ({"Ref": "AWS::Region"}, "us-east-1"),
        ({"Ref": "AWS::AccountId"}, "123456789012"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "AWS::StackName"}, "Stack"),
        ({"Ref": "Queue"}, "phys-Queue"),
        ({"Fn::GetAtt": ["Table", "StreamArn"]}, "arn:Table:StreamArn"),
        ({"Fn::GetAtt": "Queue.QueueName"}, "arn:Queue:QueueName"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 3]]}, "a-dev-3"),
        (
            {"Fn::Sub": "${AWS::Region}:${Queue}:${Table.Arn}:${!Literal}"},
            "us-east-1:phys-Queue:arn:Table:Arn:${Literal}",
        ),
        ({"Fn::Sub": ["${A}-${Stage}", {"A": {"Ref": "Queue"}}]}, "phys-Queue-dev"),
        ({"Fn::Select": [1, {"Fn::Split": ["/", "x/y/z"]}]}, "y"),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, 256),
        ({"Fn::If": ["IsProd", "big", "small"]}, "small"),
        ({"Fn::Base64": "hi"}, base64.b64encode(b"hi").decode()),
        ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "us-east-1a"),
        ({"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}, '{"a":"dev"}'),
    ],
)
def test_resolves_intrinsic_functions(resolver: Resolver, fragment: Any, expected: Any) -> None:
    # GIVEN a template fragment using an intrinsic function
    # WHEN it is resolved against parameters, pseudo parameters and deployed resources
    # THEN it yields the local value
    assert resolver.resolve(fragment) == expected


def test_no_value_removes_the_property(resolver: Resolver) -> None:
    # GIVEN properties whose value is AWS::NoValue (directly or through Fn::If)
    fragment = {
        "Keep": 1,
        "Drop": {"Ref": "AWS::NoValue"},
        "List": [1, {"Fn::If": ["IsProd", 2, {"Ref": "AWS::NoValue"}]}],
    }
    # WHEN resolved THEN they disappear, as in CloudFormation
    assert resolver.resolve(fragment) == {"Keep": 1, "List": [1]}
    assert resolver.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_conditions_decide_which_resources_exist(resolver: Resolver) -> None:
    # GIVEN resources with and without a Condition
    template = resolver.template
    # WHEN conditions are evaluated THEN only the ones that hold are active
    assert resolver.condition("DevInUsEast") is True
    assert resolver.is_active(template.resources["Table"])
    assert not resolver.is_active(template.resources["Alarm"])


def test_unknown_references_fail_loudly(resolver: Resolver) -> None:
    with pytest.raises(TemplateError, match="unknown name Nope"):
        resolver.resolve({"Ref": "Nope"})
    with pytest.raises(TemplateError, match="cross-stack"):
        resolver.resolve({"Fn::ImportValue": "Other-Export"})


def test_dependency_order_follows_refs_getatts_subs_and_depends_on() -> None:
    # GIVEN a template listing a function before what it references
    template = Template.from_dict(
        {
            "Resources": {
                "Function": {
                    "Type": "X",
                    "Properties": {"A": {"Fn::Sub": "${Queue.Arn}"}, "B": {"Ref": "Role"}},
                },
                "Role": {"Type": "X", "DependsOn": ["Table"]},
                "Table": {"Type": "X", "Properties": {"S": {"Fn::GetAtt": ["Queue", "Arn"]}}},
                "Queue": {"Type": "X", "Properties": {"R": {"Ref": "AWS::Region"}}},
                "Loose": {"Type": "X"},
            }
        }
    )
    # WHEN ordered for deployment
    order = template.deployment_order()
    # THEN every resource comes after its dependencies; ties keep template order
    assert order == ["Queue", "Table", "Role", "Function", "Loose"]


def test_dependency_cycle_is_reported_with_its_path() -> None:
    template = Template.from_dict(
        {
            "Resources": {
                "A": {"Type": "X", "Properties": {"P": {"Ref": "B"}}},
                "B": {"Type": "X", "Properties": {"P": {"Fn::GetAtt": ["A", "Arn"]}}},
                "C": {"Type": "X"},
            }
        }
    )
    with pytest.raises(TemplateError, match=re.escape("dependency cycle: A -> B -> A")):
        template.deployment_order()


def test_local_names_are_valid_and_deterministic() -> None:
    # GIVEN CDK logical ids of unnamed resources
    long_id = "StorageSiteBucketWithAVeryLongConstructPathThatGoesOnAndOn0123456789ABCDEF"
    # WHEN local names are generated
    bucket = names.bucket("Newsroom", long_id)
    # THEN bucket names are lower-case, valid, at most 63 characters, stable and still unique
    assert names.bucket("Newsroom", "SiteBucket397A1860") == "newsroom-sitebucket397a1860"
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", bucket)
    assert bucket == names.bucket("Newsroom", long_id)
    assert bucket != names.bucket("Newsroom", long_id + "X")
    assert names.queue("Newsroom", "Jobs", fifo=True).endswith(".fifo")
    assert len(names.queue("Newsroom", "Q" * 200)) <= 80


# -- filter patterns ---------------------------------------------------------------------------------
RECORD = {
    "eventName": "INSERT",
    "dynamodb": {
        "Keys": {"pk": {"S": "ARTICLE#1"}, "sk": {"S": "HEAD"}},
        "NewImage": {"status": {"S": "received"}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}, "n": {"N": "3"}},
    },
    "count": 5,
    "labels": ["x", "y"],
    "gone": None,
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT", "MODIFY"]}, True),
        ({"eventName": ["REMOVE"]}, False),
        ({"dynamodb": {"Keys": {"sk": {"S": ["HEAD"]}}}}, True),
        ({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ARTICLE#"}]}}}}, True),
        ({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "FEED#"}]}}}}, False),
        ({"dynamodb": {"Keys": {"pk": {"S": [{"suffix": "#1"}]}}}}, True),
        ({"eventName": [{"equals-ignore-case": "insert"}]}, True),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["published", "removed"]}]}}}}, True),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": "received"}]}}}}, False),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": {"prefix": "rec"}}]}}}}, False),
        ({"dynamodb": {"OldImage": [{"exists": False}]}}, True),
        ({"dynamodb": {"OldImage": [{"exists": True}]}}, False),
        ({"dynamodb": {"NewImage": {"status": [{"exists": True}]}}}, True),
        ({"count": [{"numeric": [">", 1, "<=", 5]}]}, True),
        ({"count": [{"numeric": ["<", 5]}]}, False),
        ({"count": [5]}, True),
        (
            {"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 1]}]}}}},
            False,
        ),  # DynamoDB numbers are strings
        ({"labels": ["y"]}, True),
        ({"dynamodb": {"NewImage": {"tags": {"L": {"S": ["b"]}}}}}, True),
        ({"gone": [None]}, True),
        ({"$or": [{"eventName": ["REMOVE"]}, {"count": [5]}]}, True),
        ({"eventName": ["INSERT"], "count": [6]}, False),
    ],
)
def test_filter_patterns_match_like_lambda(pattern: dict[str, Any], expected: bool) -> None:
    # GIVEN a record and an event filtering pattern  WHEN matched  THEN the outcome is Lambda's
    assert matches(pattern, RECORD) is expected


def test_filter_criteria_patterns_are_json_strings_ored_together() -> None:
    # GIVEN FilterCriteria as CloudFormation carries them (each Pattern a JSON string)
    criteria = {"Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})}, {"Pattern": '{"count": [5]}'}]}
    patterns = parse_filters(criteria)
    # THEN any matching pattern keeps the record, and no patterns keep everything
    assert matches_any(patterns, RECORD)
    assert not matches_any(patterns[:1], RECORD)
    assert matches_any([], RECORD)
    with pytest.raises(PatternError):
        parse_filters({"Filters": [{"Pattern": "{not json"}]})


# -- API Gateway routing and results ------------------------------------------------------------------
def _api(*paths: tuple[str, str]) -> RestApi:
    routes = [Route(f"M{i}", path, method, "r", "AWS_PROXY", "Fn") for i, (method, path) in enumerate(paths)]
    return RestApi("Api", "id", "api", "v1", None, routes, {}, [])


def test_routes_prefer_literal_then_parameter_then_greedy_path() -> None:
    # GIVEN overlapping resources, as API Gateway allows
    api = _api(("GET", "/feed"), ("GET", "/{section}"), ("ANY", "/{proxy+}"), ("GET", "/articles/{id}"))
    # WHEN requests are matched THEN the most specific resource wins, ANY catches other verbs
    route, params, _ = api.match("/feed", "GET")
    assert route is not None and (route.resource_path, params) == ("/feed", {})
    route, params, _ = api.match("/news", "GET")
    assert route is not None and (route.resource_path, params) == ("/{section}", {"section": "news"})
    route, params, _ = api.match("/a/b/c", "DELETE")
    assert route is not None and (route.resource_path, params) == ("/{proxy+}", {"proxy": "a/b/c"})
    route, params, _ = api.match("/articles/42", "GET")
    assert route is not None and params == {"id": "42"}


def test_unknown_method_on_a_known_resource_has_no_route() -> None:
    api = _api(("GET", "/feed"))
    route, _, resource_exists = api.match("/feed", "POST")
    assert route is None and resource_exists


def test_proxy_result_maps_to_http_including_base64_and_multi_value_headers() -> None:
    status, headers, body = http_response(
        {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png", "X-One": 1},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )
    assert (status, body) == (200, b"\x89PNG")
    assert ("Set-Cookie", "a=1") in headers and ("Set-Cookie", "b=2") in headers
    assert ("X-One", "1") in headers and ("Content-Type", "image/png") in headers


@pytest.mark.parametrize(
    "result",
    [
        None,
        "ok",
        {"statusCode": "teapot"},
        {"statusCode": 200, "body": {"a": 1}},
        {"statusCode": 200, "extra": 1},
    ],
)
def test_malformed_proxy_results_are_rejected_like_api_gateway(result: Any) -> None:
    with pytest.raises(MalformedResponse):
        http_response(result)
