"""panel forum authors

A customer panel's forum knows which member wrote a thread or a post, so members can edit their
own post for a short time. Set null when the member row goes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 09:55:28.019743

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion_threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_discussion_threads_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_discussion_threads_member_id_panel_members'), 'panel_members', ['member_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_posts_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_posts_member_id_panel_members'), 'panel_members', ['member_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_member_id_panel_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_posts_member_id'))
        batch_op.drop_column('member_id')

    with op.batch_alter_table('discussion_threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_discussion_threads_member_id_panel_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_discussion_threads_member_id'))
        batch_op.drop_column('member_id')

