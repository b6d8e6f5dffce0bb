"""CloudFront distributions from the template: which origin serves which path of the site.

A request under ``/site/`` is matched against the distribution's ``CacheBehaviors`` path patterns in
template order (``*`` any run of characters, ``?`` one character, case-sensitive), then the default
behaviour. An S3 origin (its ``DomainName`` is a bucket of the template) serves the object at
``OriginPath`` + path; an API Gateway origin (``{api-id}.execute-api...``, the template's REST API)
is proxied to the local API emulation at ``OriginPath`` + path, GET and HEAD only. Query strings
and headers reach the origin as the behaviour's cache and origin request policies say (template
policies are read; of AWS's managed policies, ``CachingOptimized`` / ``CachingDisabled`` forward
nothing and ``AllViewer`` / ``AllViewerExceptHostHeader`` forward everything); ``Authorization``
and cookies are never forwarded unless a policy names them. Caching itself is not emulated: every
request reaches the origin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from infra.local.deploy import DeployedResource, Deployment

# AWS managed policies (ids are the same in every account).
_MANAGED_NOTHING: Final = frozenset(
    {
        "658327ea-f89d-4fab-a63d-7e88639e58f6",  # CachingOptimized
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",  # CachingDisabled
    }
)
_MANAGED_ALL: Final = frozenset(
    {
        "216adef6-5c7f-47e4-b989-5492eafa07d3",  # AllViewer
        "b689b0a8-53d0-40ab-baf2-68738e2966ac",  # AllViewerExceptHostHeader
    }
)
_API_DOMAIN = re.compile(r"^([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com$")
_S3_DOMAIN = re.compile(r"^(.+?)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com$")
ALL: Final = "*all*"


@dataclass(frozen=True)
class Origin:
    origin_id: str
    domain: str
    path: str  # OriginPath, "" or "/v1"
    kind: str  # "s3", "api" or "unsupported"
    bucket: str | None = None


@dataclass(frozen=True)
class Forwarding:
    query_strings: str | frozenset[str]  # ALL, or the names (empty: none)
    headers: str | frozenset[str]  # ALL, or lower-case names


@dataclass(frozen=True)
class Behavior:
    pattern: str  # "*" for the default behaviour
    origin: Origin
    methods: frozenset[str]
    forwarding: Forwarding
    viewer_protocol: str = "allow-all"
    functions: tuple[str, ...] = ()  # CloudFront Functions / Lambda@Edge associated (not emulated)

    def matches(self, path: str) -> bool:
        return path_matches(self.pattern, path)


@dataclass
class Distribution:
    logical_id: str
    domain_name: str
    behaviors: list[Behavior]  # in order, the default last
    default_root_object: str | None
    problems: list[str] = field(default_factory=list)

    def behavior_for(self, path: str) -> Behavior:
        return next(b for b in self.behaviors if b.matches(path))


def path_matches(pattern: str, path: str) -> bool:
    """CloudFront path pattern matching (``*``, ``?``; a leading ``/`` is optional in the pattern)."""
    if pattern == "*":
        return True
    wanted = pattern if pattern.startswith("/") else "/" + pattern
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wanted)
    return re.fullmatch(regex, path, flags=re.DOTALL) is not None


def distributions(deployment: Deployment, api_ids: Sequence[str]) -> list[Distribution]:
    return [_build(deployment, d, api_ids) for d in deployment.of_type("AWS::CloudFront::Distribution")]


def _build(deployment: Deployment, resource: DeployedResource, api_ids: Sequence[str]) -> Distribution:
    config = resource.properties.get("DistributionConfig") or {}
    problems: list[str] = []
    buckets = {b.attributes.get(k): b.physical_id for b in deployment.of_type("AWS::S3::Bucket") for k in _BUCKET_KEYS}
    origins: dict[str, Origin] = {}
    for raw in config.get("Origins") or []:
        origin = _origin(raw, buckets, api_ids)
        origins[origin.origin_id] = origin
        if origin.kind == "unsupported":
            problems.append(f"{resource.logical_id}: origin {origin.origin_id} ({origin.domain}) is not emulated")
    behaviors = []
    raw_behaviors = [
        *(config.get("CacheBehaviors") or []),
        {**(config.get("DefaultCacheBehavior") or {}), "PathPattern": "*"},
    ]
    for raw in raw_behaviors:
        target = origins.get(str(raw.get("TargetOriginId")))
        if target is None:
            problems.append(f"{resource.logical_id}: behaviour {raw.get('PathPattern')} names no known origin")
            continue
        functions = tuple(
            str(a.get("FunctionARN") or a.get("LambdaFunctionARN"))
            for a in [*(raw.get("FunctionAssociations") or []), *(raw.get("LambdaFunctionAssociations") or [])]
        )
        behaviors.append(
            Behavior(
                pattern=str(raw["PathPattern"]),
                origin=target,
                methods=frozenset(str(m).upper() for m in raw.get("AllowedMethods") or ("GET", "HEAD")),
                forwarding=_forwarding(deployment, raw),
                viewer_protocol=str(raw.get("ViewerProtocolPolicy", "allow-all")),
                functions=functions,
            )
        )
    return Distribution(
        logical_id=resource.logical_id,
        domain_name=str(resource.attributes.get("DomainName", "")),
        behaviors=behaviors,
        default_root_object=config.get("DefaultRootObject") or None,
        problems=problems,
    )


_BUCKET_KEYS: Final = ("DomainName", "RegionalDomainName", "DualStackDomainName")


def _origin(raw: Mapping[str, Any], buckets: Mapping[Any, Any], api_ids: Sequence[str]) -> Origin:
    origin_id, domain = str(raw.get("Id")), str(raw.get("DomainName", ""))
    path = str(raw.get("OriginPath") or "").rstrip("/")
    if domain in buckets:
        return Origin(origin_id, domain, path, "s3", bucket=str(buckets[domain]))
    if (match := _API_DOMAIN.match(domain)) and match.group(1) in api_ids:
        return Origin(origin_id, domain, path, "api")
    if (match := _S3_DOMAIN.match(domain)) and "S3OriginConfig" in raw:
        return Origin(origin_id, domain, path, "s3", bucket=match.group(1))
    return Origin(origin_id, domain, path, "unsupported")


def _forwarding(deployment: Deployment, behavior: Mapping[str, Any]) -> Forwarding:
    query: set[str] | str = set()
    headers: set[str] | str = set()
    legacy = behavior.get("ForwardedValues")
    if legacy is not None:
        if str(legacy.get("QueryString", False)).lower() == "true":
            wanted = legacy.get("QueryStringCacheKeys") or []
            query = set(wanted) if wanted else ALL
        named = [str(h).lower() for h in legacy.get("Headers") or []]
        headers = ALL if "*" in named else set(named)
    known = False
    for key in ("CachePolicyId", "OriginRequestPolicyId"):
        policy_id = behavior.get(key)
        if not policy_id:
            continue
        if policy_id in _MANAGED_NOTHING:
            known = True
            continue
        if policy_id in _MANAGED_ALL:
            return Forwarding(ALL, ALL)
        config = _policy(deployment, str(policy_id))
        if config is None:
            continue
        known = True
        query = _merge(query, config.get("QueryStringsConfig") or {}, "QueryStringBehavior", "QueryStrings")
        headers = _merge(headers, config.get("HeadersConfig") or {}, "HeaderBehavior", "Headers", lower=True)
    if legacy is None and not known:
        query = ALL  # a policy we cannot read: pass query strings, no headers
    return Forwarding(
        ALL if query == ALL else frozenset(query),
        ALL if headers == ALL else frozenset(headers),
    )


def _policy(deployment: Deployment, physical_id: str) -> Mapping[str, Any] | None:
    for resource in deployment.of_type("AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy"):
        if resource.physical_id == physical_id or resource.attributes.get("Id") == physical_id:
            props = resource.properties
            cache = props.get("CachePolicyConfig")
            if cache is not None:
                return dict(cache.get("ParametersInCacheKeyAndForwardedToOrigin") or {})
            return dict(props.get("OriginRequestPolicyConfig") or {})
    return None


def _merge(
    current: set[str] | str, config: Mapping[str, Any], behavior_key: str, names_key: str, *, lower: bool = False
) -> set[str] | str:
    if current == ALL:
        return ALL
    behavior = str(config.get(behavior_key, "none"))
    if behavior in ("all", "allViewer", "allViewerAndWhitelistCloudFront", "allExcept"):
        return ALL
    if behavior in ("whitelist", "whitelistAndCloudFront"):
        names = config.get(names_key) or []
        if isinstance(names, Mapping):  # the API's shape ({"Quantity", "Items"}) rather than CloudFormation's
            names = names.get("Items") or []
        items = {str(n).lower() if lower else str(n) for n in names}
        return {*current, *items}
    return current


def forwarded_query(behavior: Behavior, query: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    wanted = behavior.forwarding.query_strings
    if wanted == ALL:
        return list(query)
    return [(k, v) for k, v in query if k in wanted]


def forwarded_headers(behavior: Behavior, headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    wanted = behavior.forwarding.headers
    kept = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in ("host", "content-length", "connection"):
            continue
        if wanted == ALL or lowered in wanted:
            kept.append((name, value))
    return kept
