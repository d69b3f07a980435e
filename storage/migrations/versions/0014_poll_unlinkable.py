"""Poll rows written before answers were unlinkable on Postgres are rewritten

Revision ID: 0014_poll_unlinkable
Revises: 0013_erased_member
Create Date: 2026-12-01 17:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0014_poll_unlinkable'
down_revision: str | None = '0013_erased_member'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On Postgres, rows written before 0014 lie in the heap in the order they came and carry
    # their voter's transaction: rewrite them all in this one transaction, answers in a random
    # order under fresh random keys, voters' marks in key order. SQLite keeps neither (a
    # WITHOUT ROWID voter table, random rowids for answers): nothing to do there.
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(
        'CREATE TEMPORARY TABLE old_answer ON COMMIT DROP AS SELECT poll_id, text FROM poll_answer'
    )
    op.execute('DELETE FROM poll_answer')
    op.execute(
        'INSERT INTO poll_answer (id, poll_id, text) '
        'SELECT 1 + floor(random() * 9000000000000000000)::bigint, poll_id, text '
        'FROM old_answer ORDER BY random()'
    )
    op.execute('CREATE TEMPORARY TABLE old_voter ON COMMIT DROP AS SELECT * FROM poll_voter')
    op.execute('DELETE FROM poll_voter')
    op.execute(
        'INSERT INTO poll_voter (poll_id, member_id, part) '
        'SELECT poll_id, member_id, part FROM old_voter ORDER BY poll_id, member_id, part'
    )
    op.execute('UPDATE poll_option SET votes = votes')


def downgrade() -> None:
    pass  # the rewritten rows are as good as the old ones
