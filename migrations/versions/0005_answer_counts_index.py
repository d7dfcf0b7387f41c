"""answer counts index, stored result tallies

The results page counts answers question by question; an index holding every column those
counts read lets the database answer them from the index alone (100,000 responses × 20
questions). The plain question_id index stays: pages of written answers, newest first, read
it in id order.

result_tallies keeps each survey's counts as last computed, so the first results view in a new
process counts only the responses that came after instead of every answer again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = ['question_id', 'row_code', 'option_code', 'rank', 'number', 'date', 'submission_id']


def upgrade():
    op.create_table('result_tallies',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('newest', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_result_tallies_engagement_id_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_result_tallies'))
    )
    with op.batch_alter_table('result_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_tallies_engagement_id'), ['engagement_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index('ix_answers_counts', COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_counts')
    with op.batch_alter_table('result_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_tallies_engagement_id'))
    op.drop_table('result_tallies')
