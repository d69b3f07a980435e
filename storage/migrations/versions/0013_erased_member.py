"""Fences for erased members, so buffered activity does not bring them back

Revision ID: 0013_erased_member
Revises: 0012_leader
Create Date: 2026-12-01 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op


revision: str = '0013_erased_member'
down_revision: str | None = '0012_leader'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erased_member',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('erased_at', storage.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('community_id', 'digest')
    )


def downgrade() -> None:
    op.drop_table('erased_member')
