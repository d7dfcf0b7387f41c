"""invitations, results publishing, answer redaction

Invitation codes for invited audiences; when results were published and the smallest group
shown; staff can hide or redact free-text answers before results are published.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:04:49.421319

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_invitations_engagement_id_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('code', name=op.f('uq_invitations_code'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_engagement_id'), ['engagement_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_hidden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('redacted_text', sa.Text(), nullable=True))

    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('min_group_size', sa.Integer(), nullable=False, server_default='5'))



def downgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_column('min_group_size')
        batch_op.drop_column('results_published_at')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('redacted_text')
        batch_op.drop_column('is_hidden')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_engagement_id'))

    op.drop_table('invitations')
