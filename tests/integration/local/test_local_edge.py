"""The edge of the local stack (fixtures/platform.json): the Cognito authorizer with the runtime's
own tokens, and the CloudFront behaviours under /site/."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from infra.local import LocalRuntime
from infra.local.cloudfront import path_matches
from tests.integration.local.conftest import FIXTURES, header, http, json_body

PLATFORM = FIXTURES / "platform.json"
API_KEY = "edge-key"
REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime(PLATFORM, code_root=FIXTURES, stack_name="Edge", api_key=API_KEY, retry_delay_s=0)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def _token(runtime: LocalRuntime, **body: Any) -> str:
    status, _, payload = http("POST", runtime.base_url + "/_local/token", json.dumps(body).encode())
    assert status == 200, payload
    return str(json_body(payload)["token"])


def _claims(token: str) -> dict[str, Any]:
    """The payload as any client reads it (no verification)."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _post(runtime: LocalRuntime, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    return http("POST", runtime.api_url + "/things", b"{}", {"content-type": "application/json", **headers})


def _pool(runtime: LocalRuntime) -> Any:
    return runtime.user_pools[0]


# -- tokens ------------------------------------------------------------------------------------------------
def test_a_minted_token_carries_the_claims_cognito_puts_in_an_id_token(runtime: LocalRuntime) -> None:
    # WHEN an editor's token is asked for
    token = _token(runtime, role="editor", subject="user-1")
    claims = _claims(token)
    # THEN it is an ID token of the template's pool, for its app client, with the role as its group
    pool = _pool(runtime)
    assert runtime.deployment is not None
    client_id = runtime.deployment.resources["CmsClient"].physical_id
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    assert pool.pool_id == runtime.deployment.resources["EditorsPool"].physical_id
    assert claims["aud"] == client_id
    assert (claims["token_use"], claims["cognito:groups"], claims["sub"]) == ("id", ["editor"], "user-1")
    assert claims["cognito:username"] == "user-1"
    assert claims["exp"] - claims["iat"] == 3600
    # AND a client can verify it against the published JWKS
    status, _, body = http("GET", runtime.base_url + "/_local/jwks.json")
    keys = KeySet.import_key_set(json_body(body))
    assert status == 200
    assert jwt.decode(token, keys, algorithms=["RS256"]).claims["sub"] == "user-1"


@pytest.mark.parametrize(
    ("body", "status"),
    [({"role": "admin"}, 400), ({"role": "editor", "ttl_s": 0}, 400), ({"role": "editor", "ttl_s": "1h"}, 400)],
)
def test_a_token_for_no_role_of_the_pool_or_a_bad_ttl_is_refused(
    runtime: LocalRuntime, body: dict[str, Any], status: int
) -> None:
    answer, _, payload = http("POST", runtime.base_url + "/_local/token", json.dumps(body).encode())
    assert answer == status
    assert json_body(payload)["message"]


# -- the authorizer ------------------------------------------------------------------------------------------
def test_a_protected_method_passes_verified_claims_as_api_gateway_does(runtime: LocalRuntime) -> None:
    token = _token(runtime, role="publisher", subject="user-2")
    for value in (f"Bearer {token}", token):  # API Gateway also takes the raw token
        status, _, body = _post(runtime, {"x-api-key": API_KEY, "Authorization": value})
        assert status == 200, body
        claims = json_body(body)["authorizer"]["claims"]
        assert claims["cognito:groups"] == "publisher"  # a string, as REST APIs pass it
        assert claims["sub"] == "user-2" and claims["token_use"] == "id"
        assert claims["exp"].endswith(time.strftime("%Y", time.gmtime()))  # "Tue Dec 01 10:00:00 UTC 2026"
        assert " UTC " in claims["exp"]


def test_several_groups_are_passed_comma_separated(runtime: LocalRuntime) -> None:
    token = _token(runtime, roles=["editor", "publisher"])
    _, _, body = _post(runtime, {"x-api-key": API_KEY, "Authorization": f"Bearer {token}"})
    assert json_body(body)["authorizer"]["claims"]["cognito:groups"] == "editor,publisher"


def _forged(runtime: LocalRuntime) -> str:
    claims = _claims(_token(runtime, role="publisher"))
    other = RSAKey.generate_key(2048, parameters={"kid": runtime.authority.key_id}, private=True)  # type: ignore[union-attr,arg-type]
    return jwt.encode({"alg": "RS256", "kid": runtime.authority.key_id}, claims, other)  # type: ignore[union-attr]


def _expired(runtime: LocalRuntime) -> str:
    assert runtime.authority is not None
    return runtime.authority.mint(_pool(runtime), groups=["editor"], now=time.time() - 7200)


def _tampered(runtime: LocalRuntime) -> str:
    head, _, signature = _token(runtime, role="editor").split(".")
    claims = {**_claims(f"{head}.{_}.{signature}"), "cognito:groups": ["publisher"]}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{head}.{body}.{signature}"


def _other_client(runtime: LocalRuntime) -> str:
    assert runtime.authority is not None
    return runtime.authority.mint(_pool(runtime), groups=["editor"], client_id="someone-else")


@pytest.mark.parametrize(
    ("make", "detail"),
    [
        (lambda runtime: None, "Unauthorized"),
        (lambda runtime: "not-a-jwt", "Unauthorized"),
        (_forged, "Unauthorized"),
        (_tampered, "Unauthorized"),
        (_expired, "The incoming token has expired"),
        (_other_client, "Unauthorized"),
    ],
    ids=["missing", "garbage", "forged", "tampered", "expired", "other-client"],
)
def test_a_missing_expired_or_forged_token_is_a_401_from_the_gateway(
    runtime: LocalRuntime, make: Any, detail: str
) -> None:
    token = make(runtime)
    headers = {"x-api-key": API_KEY} | ({"Authorization": f"Bearer {token}"} if token else {})
    # WHEN the protected method is called  THEN the template's UNAUTHORIZED response answers; no function ran
    status, response_headers, body = _post(runtime, headers)
    assert status == 401
    assert header(response_headers, "Content-Type") == "application/problem+json"
    assert json_body(body) == {"title": "Unauthorized", "status": 401, "detail": detail}


def test_the_api_key_is_still_required_with_a_valid_token(runtime: LocalRuntime) -> None:
    token = _token(runtime, role="editor")
    status, _, _ = _post(runtime, {"Authorization": f"Bearer {token}"})
    assert status == 403


def test_open_methods_need_no_token_and_get_no_claims(runtime: LocalRuntime) -> None:
    status, _, body = http("GET", runtime.api_url + "/things/abc")
    assert status == 200
    assert json_body(body)["authorizer"] is None


def test_the_functions_cognito_jwks_url_points_at_the_local_jwks(runtime: LocalRuntime) -> None:
    # GIVEN JWKS_URL = the pool's Cognito JWKS URL in the template  WHEN the function reads it
    settings = json_body(http("GET", runtime.api_url + "/things/abc")[2])["settings"]
    # THEN it is the runtime's JWKS (which verifies its tokens); issuer and audience stay as deployed
    assert settings["JWKS_URL"] == runtime.jwks_url
    assert settings["TOKEN_ISSUER"] == _pool(runtime).issuer
    assert settings["TOKEN_AUDIENCE"] == _pool(runtime).clients[0]
    with urllib.request.urlopen(settings["JWKS_URL"], timeout=5) as response:
        keys = KeySet.import_key_set(json.loads(response.read()))
    assert (
        jwt.decode(_token(runtime, role="editor"), keys, algorithms=["RS256"]).claims["aud"]
        == settings["TOKEN_AUDIENCE"]
    )


def test_the_token_verb_prints_a_token_the_local_api_accepts(runtime: LocalRuntime) -> None:
    # WHEN `python -m infra.local token --role publisher` runs beside the runtime (what `make token` does)
    result = subprocess.run(
        [sys.executable, "-m", "infra.local", "token", "--role", "publisher", "--port", str(runtime.port)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    # THEN it is one line, and the API accepts it as a publisher's
    status, _, body = _post(runtime, {"x-api-key": API_KEY, "Authorization": f"Bearer {token}"})
    assert status == 200
    assert json_body(body)["authorizer"]["claims"]["cognito:groups"] == "publisher"


def test_the_authorizer_is_in_the_wiring(runtime: LocalRuntime) -> None:
    (trigger,) = [t for t in runtime.wiring().triggers if t.kind == "authorizer"]
    assert (trigger.logical_id, trigger.target) == ("Authorizer", "ApiThingsPost")
    assert "EditorsPool" in trigger.source
    assert runtime.wiring().unwired == ()


# -- CloudFront behaviours ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/feeds/*", "/feeds/all/rss.xml", True),
        ("feeds/*", "/feeds/all/rss.xml", True),
        ("/feeds/*", "/feeds", False),
        ("/v1/feed*", "/v1/feed", True),
        ("/v1/feed*", "/v1/feeds/x", True),
        ("/robots.txt", "/robots.txt", True),
        ("/robots.txt", "/Robots.txt", False),
        ("/images/*.jp?g", "/images/a/b.jpeg", True),
        ("/images/*.jp?g", "/images/a.jpg", False),
        ("*", "/anything", True),
    ],
)
def test_path_patterns_match_as_cloudfront_matches_them(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_a_feeds_path_reaches_the_api_under_the_origin_path_without_query_or_headers(runtime: LocalRuntime) -> None:
    # GIVEN "/feeds/*" → the API origin with origin path /v1 and a cache policy forwarding nothing
    token = _token(runtime, role="editor")
    # WHEN the site path is read with a query string, a language and credentials
    status, _, body = http(
        "GET",
        runtime.site_url + "/feeds/all/rss.xml?utm=x",
        headers={"Accept-Language": "uk", "Authorization": f"Bearer {token}"},
    )
    # THEN GET /v1/feeds/all/rss.xml ran, with neither the query string nor the headers
    assert status == 200
    seen = json_body(body)
    assert seen["path"] == "/feeds/all/rss.xml"
    assert seen["query"] is None
    assert not {h.lower() for h in seen["headers"]} & {"accept-language", "authorization"}


def test_a_read_path_forwards_what_its_cache_policy_names_and_never_authorization(runtime: LocalRuntime) -> None:
    status, _, body = http(
        "GET",
        runtime.site_url + "/v1/things/abc?format=ninjs&debug=1",
        headers={"Accept-Language": "uk", "Authorization": "Bearer whatever"},
    )
    assert status == 200
    seen = json_body(body)
    assert (seen["path"], seen["query"]) == ("/things/abc", {"format": "ninjs"})
    assert [h.lower() for h in seen["headers"]] == ["accept-language"]


def test_other_paths_come_from_the_bucket_and_writes_are_refused(runtime: LocalRuntime) -> None:
    s3, bucket = runtime.client("s3"), runtime.site_bucket
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="about.html", Body=b"<h1>about</h1>", ContentType="text/html")
    assert http("GET", runtime.site_url + "/")[2] == b"<h1>home</h1>"  # DefaultRootObject
    assert http("GET", runtime.site_url + "/about.html")[2] == b"<h1>about</h1>"
    assert http("GET", runtime.site_url + "/feeds")[0] == 404  # "/feeds/*" needs more: the bucket answers
    assert http("POST", runtime.site_url + "/feeds/all/rss.xml", b"{}")[0] == 403


def test_every_behaviour_is_in_the_wiring(runtime: LocalRuntime) -> None:
    behaviours = [(t.kind, t.source, t.target) for t in runtime.wiring().triggers if t.logical_id == "Distribution"]
    assert behaviours == [
        ("cloudfront→api", "/feeds/*", "Api"),
        ("cloudfront→api", "/v1/things/*", "Api"),
        ("cloudfront→s3", "*", "SiteBucket"),
    ]
