"""alerts, reimbursement cases, fetch maintenance timers, seller reconciliation and archive columns, rank history index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:07:28.953714
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shelfscope.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fetch_maintenance_timers",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_run_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_fetch_maintenance_timers")),
    )
    op.create_table(
        "alert_channels",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("webhook_format", sa.String(length=16), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("signing_secret", sa.Text(), nullable=True),
        sa.Column(
            "recipients",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_delivery_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_delivery_ok", sa.Boolean(), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('webhook', 'email')", name=op.f("ck_alert_channels_kind")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_alert_channels_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_channels")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_alert_channels_workspace_id_name")),
    )
    with op.batch_alter_table("alert_channels", schema=None) as batch_op:
        batch_op.create_index("ix_alert_channels_workspace_id_id", ["workspace_id", "id"], unique=False)

    op.create_table(
        "alert_cooldowns",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rule_key", sa.String(length=200), nullable=False),
        sa.Column("subject_key", sa.String(length=200), nullable=False),
        sa.Column("fired_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_alert_cooldowns_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_cooldowns")),
        sa.UniqueConstraint(
            "workspace_id",
            "rule_key",
            "subject_key",
            name=op.f("uq_alert_cooldowns_workspace_id_rule_key_subject_key"),
        ),
    )
    op.create_table(
        "alert_digests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_alert_digests_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_digests")),
        sa.UniqueConstraint("workspace_id", "day", name=op.f("uq_alert_digests_workspace_id_day")),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("rule_key", sa.String(length=200), nullable=False),
        sa.Column("subject_key", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fired_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_alert_events_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
        sa.UniqueConstraint(
            "workspace_id", "dedupe_key", name=op.f("uq_alert_events_workspace_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_events_workspace_id_fired_at", ["workspace_id", "fired_at"], unique=False
        )
        batch_op.create_index(
            "ix_alert_events_workspace_id_source", ["workspace_id", "source", "source_id"], unique=False
        )

    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_alert_deliveries_status")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["alert_channels.id"],
            name=op.f("fk_alert_deliveries_channel_id_alert_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["alert_events.id"],
            name=op.f("fk_alert_deliveries_event_id_alert_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_alert_deliveries_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "channel_id", "digest_day", name=op.f("uq_alert_deliveries_channel_id_digest_day")
        ),
        sa.UniqueConstraint("channel_id", "event_id", name=op.f("uq_alert_deliveries_channel_id_event_id")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_deliveries_workspace_id_event_id", ["workspace_id", "event_id"], unique=False
        )

    op.create_table(
        "seller_cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("fnsku", sa.String(length=20), nullable=True),
        sa.Column("asin", sa.String(length=20), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("reference_id", sa.String(length=100), nullable=True),
        sa.Column("occurred_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("eligible_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim_deadline", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("detected_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["seller_connections.id"],
            name=op.f("fk_seller_cases_connection_id_seller_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_seller_cases_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_cases")),
        sa.UniqueConstraint(
            "connection_id", "kind", "case_key", name=op.f("uq_seller_cases_connection_id_kind_case_key")
        ),
    )
    with op.batch_alter_table("seller_cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_seller_cases_browse", ["workspace_id", "status", "eligible_at"], unique=False
        )

    op.create_table(
        "rank_alert_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("keyword_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_rank_alert_rules_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["rank_jobs.id"],
            name=op.f("fk_rank_alert_rules_job_id_rank_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["keyword_id"],
            ["rank_keywords.id"],
            name=op.f("fk_rank_alert_rules_keyword_id_rank_keywords"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_alert_rules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_alert_rules")),
    )
    with op.batch_alter_table("rank_alert_rules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rank_alert_rules_workspace_id_job_id", ["workspace_id", "job_id"], unique=False
        )

    op.create_table(
        "seller_case_evidence",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ledger_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("added_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["seller_cases.id"],
            name=op.f("fk_seller_case_evidence_case_id_seller_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["seller_ledger.id"],
            name=op.f("fk_seller_case_evidence_ledger_entry_id_seller_ledger"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "ledger_entry_id", name=op.f("pk_seller_case_evidence")),
    )
    with op.batch_alter_table("seller_case_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seller_case_evidence_ledger_entry_id"), ["ledger_entry_id"], unique=False
        )

    with op.batch_alter_table("rank_observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rank_observations_history"))
        batch_op.create_index(
            "ix_rank_observations_history",
            ["workspace_id", "job_id", "keyword_id", "asin", "observed_at", "id", "status", "organic_rank"],
            unique=False,
        )

    with op.batch_alter_table("seller_backfill_windows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "archive_keys",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'[]'"),  # windows archived before this revision kept no keys
            )
        )

    with op.batch_alter_table("seller_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reconciled_entry_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_seller_ledger_reconciled_entry_id"), ["reconciled_entry_id"], unique=False
        )
        batch_op.create_index(
            "ix_seller_ledger_reconciliation", ["connection_id", "reconciliation_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("seller_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_seller_ledger_reconciliation")
        batch_op.drop_index(batch_op.f("ix_seller_ledger_reconciled_entry_id"))
        batch_op.drop_column("reconciled_entry_id")

    with op.batch_alter_table("seller_backfill_windows", schema=None) as batch_op:
        batch_op.drop_column("archive_keys")
        batch_op.drop_column("generated_at")

    with op.batch_alter_table("rank_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_observations_history")
        batch_op.create_index(
            batch_op.f("ix_rank_observations_history"),
            ["job_id", "keyword_id", "asin", "observed_at"],
            unique=False,
        )

    with op.batch_alter_table("seller_case_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seller_case_evidence_ledger_entry_id"))

    op.drop_table("seller_case_evidence")
    with op.batch_alter_table("rank_alert_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_alert_rules_workspace_id_job_id")

    op.drop_table("rank_alert_rules")
    with op.batch_alter_table("seller_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_seller_cases_browse")

    op.drop_table("seller_cases")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_workspace_id_event_id")

    op.drop_table("alert_deliveries")
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_events_workspace_id_source")
        batch_op.drop_index("ix_alert_events_workspace_id_fired_at")

    op.drop_table("alert_events")
    op.drop_table("alert_digests")
    op.drop_table("alert_cooldowns")
    with op.batch_alter_table("alert_channels", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_channels_workspace_id_id")

    op.drop_table("alert_channels")
    op.drop_table("fetch_maintenance_timers")
