"""Benches measured on Postgres reuse the test session's server instead of starting another."""

from __future__ import annotations

import pytest

from tests.postgres import PostgresServer


@pytest.fixture
def shared_postgres(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The session server's URL, given to the bench as TEST_POSTGRES_URL (it leaves it running)."""
    url = postgres_server.admin_url().render_as_string(hide_password=False)
    monkeypatch.setenv("TEST_POSTGRES_URL", url)
    return url
