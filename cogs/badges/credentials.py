"""Open Badges 3.0: a member's badges as achievement credentials, each signed as a VC-JWT."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.context import Context
from storage import impact
from storage.models import BadgeAwardRow

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """An Ed25519 public key as a JWK (RFC 8037)."""
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(public.public_bytes_raw())}


def public_key_of(jwk: dict[str, Any]) -> Ed25519PublicKey:
    """The Ed25519 public key a JWK holds."""
    raw = base64.urlsafe_b64decode(str(jwk["x"]) + "==")
    return Ed25519PublicKey.from_public_bytes(raw)


async def signing_key(ctx: Context) -> Ed25519PrivateKey:
    """The community's Ed25519 key, made on first use and kept in community_key."""
    raw = await impact.key_for(
        ctx.session,
        community_id=ctx.community.id,
        purpose=impact.CREDENTIAL_ED25519,
        now=ctx.now(),
        make=lambda: Ed25519PrivateKey.generate().private_bytes_raw(),
    )
    return Ed25519PrivateKey.from_private_bytes(raw)


def issuer_id(ctx: Context) -> str:
    """The issuer's id: a URN naming the community on its platform."""
    return f"urn:copbot:{ctx.community.platform}:{ctx.community.external_id}"


def credential(ctx: Context, row: BadgeAwardRow, jwk: dict[str, str]) -> dict[str, Any]:
    """One badge award as an OpenBadgeCredential."""
    info = ctx.config.badges.get(row.badge)
    name = info.name if info else row.badge
    if row.granted_by is not None or info is None or info.parsed is None:
        narrative = "granted by a moderator"
    else:
        from cogs.badges.words import rule_words

        narrative = rule_words(info.parsed, ctx.registry.metrics)
    issuer = issuer_id(ctx)
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": ctx.community.name,
            "publicKeyJwk": jwk,  # so anyone can check the signature offline
        },
        "validFrom": row.awarded_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": f"{issuer}:member:{row.member_id}",
            "achievement": {
                "id": f"{issuer}:badge:{row.badge}",
                "type": ["Achievement"],
                "name": name,
                "description": info.description if info else name,
                "criteria": {"narrative": narrative},
            },
        },
    }
    if row.reason:
        body["evidence"] = [{"type": ["Evidence"], "narrative": row.reason}]
    return body


def sign(body: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """A credential as a VC-JWT (EdDSA)."""
    claims = {
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "sub": body["credentialSubject"]["id"],
        "nbf": int(datetime.fromisoformat(body["validFrom"]).timestamp()),
        "vc": body,
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"typ": "vc+jwt"})


async def export(ctx: Context, rows: list[BadgeAwardRow]) -> bytes:
    """A member's badges as one JSON file: each credential and its signed VC-JWT."""
    key = await signing_key(ctx)
    jwk = public_jwk(key.public_key())
    entries = []
    for row in rows:
        body = credential(ctx, row, jwk)
        entries.append({"credential": body, "jwt": sign(body, key)})
    return json.dumps({"issuerPublicKeyJwk": jwk, "credentials": entries}, indent=2).encode()


def check(data: bytes) -> list[str]:
    """What is wrong with an exported file (empty: every signature holds and nothing changed)."""
    try:
        document = json.loads(data)
        entries = document["credentials"]
    except (ValueError, KeyError, TypeError):
        return ["not an exported badges file"]
    problems = []
    for index, entry in enumerate(entries, start=1):
        try:
            jwk = entry["credential"]["issuer"]["publicKeyJwk"]
            claims = jwt.decode(
                entry["jwt"],
                public_key_of(jwk),
                algorithms=["EdDSA"],
                options={"verify_nbf": False},
            )
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError) as error:
            problems.append(f"credential {index}: signature does not hold ({error})")
            continue
        if claims["vc"] != entry["credential"]:
            problems.append(f"credential {index}: altered after signing")
    return problems
