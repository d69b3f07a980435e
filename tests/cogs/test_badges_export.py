"""/badges export: Open Badges 3.0 credentials, schema-valid, signed, tampering caught."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import jwt
import pytest
from sqlmodel import select

from bot.reply import ToMember
from bot.runtime import Runtime
from cogs.badges import credentials
from storage.models import BadgeAwardRow, MemberRow
from tests.conftest import START, Driver

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "schemas/ob_v3p0_achievementcredential_subset.json").read_text()
)


@pytest.fixture
async def holder(driver: Driver, runtime: Runtime) -> Driver:
    """ana holds a granted badge with a reason."""
    await driver.run("ana", "/ping")
    async with runtime.db.session() as session:
        [ana] = (await session.exec(select(MemberRow))).all()
        session.add(
            BadgeAwardRow(
                community_id=1,
                member_id=ana.id,
                badge="helper",
                awarded_at=START,
                granted_by=ana.id,
                reason="Ran the grant clinic",
            )
        )
        await session.commit()
    driver.transport.clear()
    return driver


def exported(driver: Driver) -> bytes:
    [dm] = [item for item in driver.transport.sent if isinstance(item, ToMember)]
    [attached] = dm.reply.files
    assert attached.filename == "badges-ana-2026-11-02.json"
    return attached.data


async def test_the_export_is_schema_valid_and_its_signatures_hold(holder: Driver) -> None:
    assert (await holder.run("ana", "/badges export")).ok
    data = exported(holder)
    document = json.loads(data)
    [entry] = document["credentials"]
    body = entry["credential"]
    jsonschema.validate(body, SCHEMA)
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert body["issuer"]["name"] == "Testers" and body["validFrom"] == "2026-11-02T09:00:00Z"
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["criteria"] == {"narrative": "granted by a moderator"}
    assert body["evidence"][0]["narrative"] == "Ran the grant clinic"
    key = credentials.public_key_of(document["issuerPublicKeyJwk"])
    claims = jwt.decode(entry["jwt"], key, algorithms=["EdDSA"], options={"verify_nbf": False})
    assert claims["vc"] == body and jwt.get_unverified_header(entry["jwt"])["alg"] == "EdDSA"
    assert credentials.check(data) == []


async def test_tampering_is_detected(holder: Driver) -> None:
    await holder.run("ana", "/badges export")
    document = json.loads(exported(holder))
    document["credentials"][0]["credential"]["name"] = "Grand master"
    assert "altered" in credentials.check(json.dumps(document).encode())[0]
    document = json.loads(exported(holder))
    token = document["credentials"][0]["jwt"]
    document["credentials"][0]["jwt"] = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert "signature" in credentials.check(json.dumps(document).encode())[0]
    assert credentials.check(b"not json") == ["not an exported badges file"]


async def test_no_badges_is_a_friendly_refusal(driver: Driver) -> None:
    outcome = await driver.run("bo", "/badges export")
    assert not outcome.ok and "no badges yet" in str(outcome.error)
