"""Matching groups and round DMs no longer describe members forgotten before 0015

Revision ID: 0015_match_why_forgotten
Revises: 0014_poll_unlinkable
Create Date: 2026-12-01 17:10:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op


revision: str = '0015_match_why_forgotten'
down_revision: str | None = '0014_poll_unlinkable'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As cogs/matching/data.py words it, copied so this revision never changes with the code.
FORGOTTEN_DM = "A matching round message: it named a member who has since asked to be forgotten."


def upgrade() -> None:
    # Before 0015, /forget-me left a group's reasons (ids, needs, tags) and the partners' round
    # DMs as they were: do now what the matching data hook does at erasure.
    bind = op.get_bind()
    gone = {
        row[0]
        for row in bind.execute(
            sa.text("SELECT id FROM member WHERE external_id LIKE 'forgotten:%'")
        )
    }
    if not gone:
        return
    for group_id, why in bind.execute(sa.text('SELECT id, why FROM match_group')).all():
        try:
            reasons = json.loads(why)
        except ValueError:
            continue
        if not isinstance(reasons, list):
            continue
        kept = [r for r in reasons if not gone & set(r.get('pair', []))]
        if len(kept) == len(reasons):
            continue
        bind.execute(
            sa.text('UPDATE match_group SET why = :why WHERE id = :id'),
            {'why': json.dumps(kept, separators=(',', ':')), 'id': group_id},
        )
        rows = bind.execute(
            sa.text(
                'SELECT id, body, status, outcome FROM outbox WHERE key LIKE :dm OR key LIKE :follow'
            ),
            # "_" matches any one character, itself included: no other key looks like these.
            {'dm': f'match:{group_id}:%', 'follow': f'match_follow_up:{group_id}:%'},
        ).all()
        for outbox_id, body, status, outcome in rows:
            data = json.loads(body)
            data['text'] = FORGOTTEN_DM
            if status == 'pending':  # not sent yet: better unsaid than wrong
                status, outcome = 'skipped', 'a member of the group was forgotten'
            bind.execute(
                sa.text(
                    'UPDATE outbox SET body = :body, status = :status, outcome = :outcome '
                    'WHERE id = :id'
                ),
                {'body': json.dumps(data), 'status': status, 'outcome': outcome, 'id': outbox_id},
            )


def downgrade() -> None:
    pass  # what was erased stays erased
