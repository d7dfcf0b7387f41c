"""customer panels

Customer panels: identified participants, panels beside their engagements, applications, the
selection runs of the lottery, members, magic links (hashes only), meetings, attendance and
statements with the service's response.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 04:43:22.282466

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('email', name=op.f('uq_participants_email'))
    )
    op.create_table('panels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.JSON(), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('target_size', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('quotas', sa.JSON(), nullable=False),
    sa.Column('custom_dimensions', sa.JSON(), nullable=False),
    sa.Column('meeting_plan', sa.JSON(), nullable=False),
    sa.Column('compensation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_panels_engagement_id_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panels')),
    sa.UniqueConstraint('engagement_id', name=op.f('uq_panels_engagement_id'))
    )
    op.create_table('magic_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_magic_links_panel_id_panels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_magic_links_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_magic_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_magic_links_token_hash'))
    )
    with op.batch_alter_table('magic_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_magic_links_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_magic_links_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_magic_links_participant_id'), ['participant_id'], unique=False)

    op.create_table('panel_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('bands', sa.JSON(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reserve_rank', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_applications_panel_id_panels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_panel_applications_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_applications')),
    sa.UniqueConstraint('panel_id', 'participant_id', name=op.f('uq_panel_applications_panel_id_participant_id'))
    )
    with op.batch_alter_table('panel_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_applications_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_applications_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_applications_status'), ['status'], unique=False)

    op.create_table('panel_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_meetings_panel_id_panels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meetings'))
    )
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meetings_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_meetings_starts_at'), ['starts_at'], unique=False)

    op.create_table('panel_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('statement', sa.JSON(), nullable=False),
    sa.Column('statement_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('decision_ref', sa.String(length=300), nullable=True),
    sa.Column('response_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_statements_panel_id_panels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_statements'))
    )
    with op.batch_alter_table('panel_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_statements_panel_id'), ['panel_id'], unique=False)

    op.create_table('selection_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('quotas', sa.JSON(), nullable=False),
    sa.Column('pool', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_selection_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_selection_runs_panel_id_panels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_runs'))
    )
    with op.batch_alter_table('selection_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_runs_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_selection_runs_panel_id'), ['panel_id'], unique=False)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notify_threads', sa.Boolean(), nullable=False),
    sa.Column('name_public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['panel_applications.id'], name=op.f('fk_panel_members_application_id_panel_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_members_panel_id_panels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_panel_members_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members')),
    sa.UniqueConstraint('panel_id', 'participant_id', name=op.f('uq_panel_members_panel_id_participant_id'))
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_members_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_participant_id'), ['participant_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_panel_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['panel_members.id'], name=op.f('fk_meeting_attendance_member_id_panel_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_attendance'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_member_id'), ['member_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_member_id'))

    op.drop_table('meeting_attendance')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_members_participant_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_panel_id'))

    op.drop_table('panel_members')
    with op.batch_alter_table('selection_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_runs_panel_id'))
        batch_op.drop_index(batch_op.f('ix_selection_runs_created_by_id'))

    op.drop_table('selection_runs')
    with op.batch_alter_table('panel_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_statements_panel_id'))

    op.drop_table('panel_statements')
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_panel_meetings_panel_id'))

    op.drop_table('panel_meetings')
    with op.batch_alter_table('panel_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_applications_status'))
        batch_op.drop_index(batch_op.f('ix_panel_applications_participant_id'))
        batch_op.drop_index(batch_op.f('ix_panel_applications_panel_id'))

    op.drop_table('panel_applications')
    with op.batch_alter_table('magic_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_magic_links_participant_id'))
        batch_op.drop_index(batch_op.f('ix_magic_links_panel_id'))
        batch_op.drop_index(batch_op.f('ix_magic_links_expires_at'))

    op.drop_table('magic_links')
    op.drop_table('panels')
    op.drop_table('participants')
