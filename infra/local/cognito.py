"""Cognito user pools and API Gateway's ``COGNITO_USER_POOLS`` authorizer, emulated.

The runtime creates its own RSA key at start (never written anywhere) and signs tokens with it as a
user pool would: ``GET /_local/jwks.json`` publishes the public key, ``POST /_local/token`` mints an
ID token (or an access token) for a group of a pool in the template. A protected method verifies the
token the way API Gateway does (signature, issuer, expiry, ``token_use``, audience or client id,
scopes) and passes the claims to the function as ``requestContext.authorizer.claims``, stringified
as API Gateway's REST APIs do (``cognito:groups`` as ``"editor"`` or ``"editor,publisher"``, times
as ``"Tue Dec 01 10:00:00 UTC 2026"``).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

DEFAULT_TTL_S: Final = 3600
MAX_TTL_S: Final = 24 * 3600
_ALGORITHM: Final = "RS256"


class AuthError(Exception):
    """The token is missing, malformed, forged, expired or for someone else."""


@dataclass(frozen=True)
class UserPool:
    logical_id: str
    pool_id: str
    arn: str
    region: str
    groups: tuple[str, ...]
    clients: tuple[str, ...]  # app client ids

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"


@dataclass(frozen=True)
class Authorizer:
    logical_id: str
    authorizer_id: str
    name: str
    pools: tuple[UserPool, ...]
    header: str  # the request header carrying the token (IdentitySource)
    validation_expression: str | None = None


class TokenAuthority:
    """One signing key for the runtime's life; mints and verifies Cognito-shaped JWTs."""

    def __init__(self) -> None:
        self.key_id = f"local-{uuid.uuid4().hex[:12]}"
        self._key = RSAKey.generate_key(
            2048, parameters={"kid": self.key_id, "alg": _ALGORITHM, "use": "sig"}, private=True
        )
        self._public = KeySet.import_key_set({"keys": [self.jwk()]})

    def jwk(self) -> dict[str, Any]:
        return dict(self._key.as_dict(private=False))

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk()]}

    def mint(
        self,
        pool: UserPool,
        *,
        groups: Sequence[str],
        subject: str | None = None,
        username: str | None = None,
        ttl_s: int = DEFAULT_TTL_S,
        token_use: str = "id",  # noqa: S107 - a Cognito claim name, not a password
        scopes: Sequence[str] = (),
        client_id: str | None = None,
        now: float | None = None,
    ) -> str:
        issued = int(time.time() if now is None else now)
        client = client_id or (pool.clients[0] if pool.clients else "local-client")
        sub = subject or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{pool.pool_id}/{username or 'local-user'}"))
        claims: dict[str, Any] = {
            "sub": sub,
            "iss": pool.issuer,
            "cognito:username": username or sub,
            "event_id": str(uuid.uuid4()),
            "token_use": token_use,
            "auth_time": issued,
            "iat": issued,
            "exp": issued + ttl_s,
            "jti": str(uuid.uuid4()),
            "origin_jti": str(uuid.uuid4()),
        }
        if groups:
            claims["cognito:groups"] = list(groups)
        if token_use == "id":  # noqa: S105
            claims["aud"] = client
        else:
            claims["client_id"] = client
            claims["scope"] = " ".join(scopes) or "aws.cognito.signin.user.admin"
            claims["username"] = claims.pop("cognito:username")
        return jwt.encode({"alg": _ALGORITHM, "kid": self.key_id}, claims, self._key)

    def verify(
        self,
        token: str,
        pools: Iterable[UserPool],
        *,
        scopes: Sequence[str] = (),
        validation_expression: str | None = None,
        now: float | None = None,
    ) -> dict[str, Any]:
        """The token's claims, if API Gateway's Cognito authorizer would accept it; else AuthError."""
        try:
            decoded = jwt.decode(token, self._public, algorithms=[_ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise AuthError("Unauthorized") from exc
        claims = dict(decoded.claims)
        pool = next((p for p in pools if claims.get("iss") == p.issuer), None)
        if pool is None:
            raise AuthError("Unauthorized")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= (time.time() if now is None else now):
            raise AuthError("The incoming token has expired")
        use = claims.get("token_use")
        if scopes:
            granted = set(str(claims.get("scope", "")).split())
            if use != "access" or not granted & set(scopes):
                raise AuthError("Unauthorized")
        elif use not in ("id", "access"):
            raise AuthError("Unauthorized")
        audience = claims.get("aud") if use == "id" else claims.get("client_id")
        if pool.clients and audience not in pool.clients:
            raise AuthError("Unauthorized")
        if validation_expression and not re.fullmatch(validation_expression, str(audience or "")):
            raise AuthError("Unauthorized")
        return claims


def bearer_token(value: str | None) -> str | None:
    """The token in an Authorization header: ``Bearer <jwt>`` or the raw token, as API Gateway accepts."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text[:7].lower() == "bearer ":
        text = text[7:].strip()
    return text or None


def _java_date(epoch: Any) -> str:
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def context_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway REST APIs pass them to the integration: every value a string."""
    result: dict[str, str] = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, int | float):
            result[name] = _java_date(value)
        elif isinstance(value, list):
            result[name] = ",".join(str(item) for item in value)
        elif isinstance(value, bool):
            result[name] = "true" if value else "false"
        else:
            result[name] = str(value)
    return result
