"""data requests

Residents' requests to see or remove what is stored about them (GDPR articles 15 and 17),
by e-mail address (confirmed by a link sent there) or by a response's receipt code; the
coordinator handles them. ``flask retention run`` removes old requests' addresses and codes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('receipt_code', sa.String(length=20), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_data_requests_handled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests')),
    sa.UniqueConstraint('token', name=op.f('uq_data_requests_token'))
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_requests_handled_by_id'), ['handled_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_requests_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_requests_status'))
        batch_op.drop_index(batch_op.f('ix_data_requests_handled_by_id'))
        batch_op.drop_index(batch_op.f('ix_data_requests_created_at'))

    op.drop_table('data_requests')
