"""Pacing buckets every process shares, on Postgres

Revision ID: 0016_pace
Revises: 0015_match_why_forgotten
Create Date: 2026-12-01 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op


revision: str = '0016_pace'
down_revision: str | None = '0015_match_why_forgotten'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pace',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('due', storage.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('pace')
