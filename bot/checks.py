"""What `copbot impact verify` and `copbot credentials verify` do, outside any chat."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlmodel import select

from config.settings import Settings
from storage import impact
from storage.db import Database
from storage.models import CommunityKeyRow, CommunityRow


async def verify_code(settings: Settings, code: str, community: str | None) -> int:
    """Print whether a report code is genuine; 0 if it is, 1 if not."""
    from cogs.impact import verify

    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            query = select(CommunityRow)
            if community:
                query = query.where(CommunityRow.name == community)
            names = {row.id: row.name for row in (await session.exec(query)).all()}
            issuers = await verify.communities_with(session, typed=code)
            for community_id in (c for c in issuers if c in names):
                verdict = await verify.check(session, community_id=community_id, typed=code)
                if verdict is not None:
                    typer.echo(
                        f"Genuine: an impact report for {verdict.member} in "
                        f"{names[community_id]}, issued {verdict.issued_at:%Y-%m-%d %H:%M} UTC, "
                        f"covering {verdict.since:%Y-%m-%d} to {verdict.until:%Y-%m-%d}. "
                        f"It summarised: {verdict.summary}"
                    )
                    return 0
    finally:
        await database.close()
    typer.echo(verify.NOT_GENUINE)
    return 1


async def verify_credentials(settings: Settings, file: Path) -> int:
    """Print whether an exported badges file holds; 0 if it does, 1 if not."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cogs.badges import credentials

    try:
        data = file.read_bytes()
    except OSError as error:
        typer.echo(f"Can't read {file}: {error.strerror}")
        return 1
    problems = credentials.check(data)
    if not problems:
        # The key in the file must be the issuing community's own, not one a forger put there.
        jwk = json.loads(data)["issuerPublicKeyJwk"]
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                found = await session.exec(
                    select(CommunityKeyRow.key).where(
                        CommunityKeyRow.purpose == impact.CREDENTIAL_ED25519
                    )
                )
                known = [
                    credentials.public_jwk(Ed25519PrivateKey.from_private_bytes(raw).public_key())
                    for raw in found.all()
                ]
        finally:
            await database.close()
        if jwk not in known:
            problems = ["signed with a key no community here holds"]
    if problems:
        typer.echo("These credentials don't hold: " + "; ".join(problems))
        return 1
    count = len(json.loads(data)["credentials"])
    typer.echo(f"Genuine: {count} credential(s), signed by this community's key, unaltered.")
    return 0
