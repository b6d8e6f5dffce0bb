"""Who is calling: roles from a Cognito token, checked by API Gateway or, on public routes, by us.

Editorial routes sit behind API Gateway's Cognito user-pool authorizer, which verifies the token and
passes its claims in ``requestContext.authorizer.claims``; the function only checks the role. Public
GET routes have no authorizer, so a newsroom client that sends ``Authorization: Bearer <token>`` there
(to read drafts) has its token verified here against the pool's signing keys (JWKS, fetched once per
container). The JWT library is imported only when such a token arrives: anonymous reads never pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Final

from shared.errors import Forbidden, Unauthorized

_GROUP_SPLIT: Final = re.compile(r"[\s,\[\]]+")
_ALGORITHMS: Final = ["RS256"]
_LEEWAY_S: Final = 30


class Role(StrEnum):
    EDITOR = "editor"  # submits and updates
    PUBLISHER = "publisher"  # also publishes, schedules, takes down


# What each role may do: a publisher can do everything an editor can.
_GRANTS: Final = {Role.EDITOR: {Role.EDITOR}, Role.PUBLISHER: {Role.EDITOR, Role.PUBLISHER}}


@dataclass(frozen=True)
class Principal:
    name: str
    roles: frozenset[Role]

    def can(self, role: Role) -> bool:
        return any(role in _GRANTS[held] for held in self.roles)


def groups(value: Any) -> set[str]:
    """``cognito:groups`` as API Gateway passes it: a list, "a,b", "[a b]" or "a"."""
    if isinstance(value, list):
        return {str(v) for v in value}
    return {part for part in _GROUP_SPLIT.split(str(value or "")) if part}


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    name = str(claims.get("cognito:username") or claims.get("username") or claims.get("sub") or "")
    roles = frozenset(Role(g) for g in groups(claims.get("cognito:groups")) if g in Role.__members__.values())
    if not name:
        raise Unauthorized("the token names no user")
    return Principal(name=name, roles=roles)


def require(principal: Principal | None, role: Role) -> Principal:
    if principal is None:
        raise Unauthorized("this route needs a newsroom token (Authorization: Bearer <token>)")
    if not principal.can(role):
        held = ", ".join(sorted(principal.roles)) or "none"
        raise Forbidden(f"this needs the {role.value} role; the token's roles: {held}")
    return principal


def bearer(headers: Mapping[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else value.strip()


class TokenVerifier:
    """Verifies Cognito ID tokens against the pool's JWKS: signature, issuer, audience, expiry, use."""

    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self._jwks_url, self._issuer, self._audience = jwks_url, issuer, audience

    @cached_property
    def _keys(self) -> Any:
        import jwt  # noqa: PLC0415 - only requests that carry a token pay for the JWT library

        return jwt.PyJWKClient(self._jwks_url, cache_keys=True, lifespan=3600, timeout=5)

    def verify(self, token: str) -> Principal:
        import jwt  # noqa: PLC0415

        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=_LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"the token is not valid: {error}") from None
        if claims.get("token_use") != "id":
            raise Unauthorized("send the ID token of the newsroom's user pool")
        return principal_from_claims(claims)


def roles_text(roles: Iterable[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles))
