"""offline participation and population table

Participation records: head counts of offline participation per engagement (a workshop, a
school visit) and the population table the coordinator uploads for the reach comparison.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 04:06:59.584526

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "population_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_groups")),
        sa.UniqueConstraint("dimension", "code", name=op.f("uq_population_groups_dimension_code")),
    )
    op.create_table(
        "offline_participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name=op.f("fk_offline_participation_engagement_id_engagements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_offline_participation_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_participation")),
    )
    with op.batch_alter_table("offline_participation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offline_participation_engagement_id"), ["engagement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offline_participation_entered_by_id"), ["entered_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offline_participation_held_on"), ["held_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("offline_participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_participation_held_on"))
        batch_op.drop_index(batch_op.f("ix_offline_participation_entered_by_id"))
        batch_op.drop_index(batch_op.f("ix_offline_participation_engagement_id"))

    op.drop_table("offline_participation")
    op.drop_table("population_groups")
