"""Verification codes: an HMAC-SHA256 over what a report says, with the community's secret."""

from __future__ import annotations

import base64
import hashlib
import hmac

from storage.models import IssuedReportRow

CODE_LENGTH = 16  # base32 characters: 80 bits of the signature, far beyond guessing


def digest(content: str) -> str:
    """The SHA-256 of a report's content, hex."""
    return hashlib.sha256(content.encode()).hexdigest()


def signed_fields(row: IssuedReportRow) -> bytes:
    """What a code signs: who, which community, the period, when, and the content's digest."""
    parts = (
        str(row.community_id),
        str(row.member_id),
        row.since.isoformat(),
        row.until.isoformat(),
        row.issued_at.isoformat(),
        row.digest,
        row.summary,
    )
    return "\n".join(parts).encode()


def code_for(key: bytes, row: IssuedReportRow) -> str:
    """The verification code of a report, without dashes."""
    mac = hmac.new(key, signed_fields(row), hashlib.sha256).digest()
    return base64.b32encode(mac).decode()[:CODE_LENGTH]


def genuine(key: bytes, row: IssuedReportRow, code: str) -> bool:
    """Whether a code is the signature of this row, compared in constant time."""
    return hmac.compare_digest(code_for(key, row), code)


def shown(code: str) -> str:
    """A code as printed: groups of four, easier to read aloud and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def read(typed: str) -> str:
    """A typed code as stored: dashes and spaces dropped, upper case."""
    return "".join(typed.split()).replace("-", "").upper()
