"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:46:41.836900
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shelfscope.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_api_key_id", sa.BigInteger(), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "changed_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_entity", ["workspace_id", "entity_type", "entity_id"], unique=False
        )
        batch_op.create_index("ix_audit_log_workspace_at", ["workspace_id", "at"], unique=False)

    op.create_table(
        "login_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_email_ip_at", ["email", "ip", "at"], unique=False)

    op.create_table(
        "rank_page_cache",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("fetched_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("archive_key", sa.String(length=64), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_page_cache")),
        sa.UniqueConstraint(
            "marketplace", "keyword", "page", name=op.f("uq_rank_page_cache_marketplace_keyword_page")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("slug", name=op.f("uq_workspaces_slug")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "admin", "member", "viewer", name="role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_api_keys_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_api_keys_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "fetch_proxies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("scheme", sa.String(length=10), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("password", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("sticky", sa.Boolean(), nullable=False),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("max_concurrency", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("cost_per_gb", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("last_test_ok", sa.Boolean(), nullable=True),
        sa.Column("last_test_latency_ms", sa.Integer(), nullable=True),
        sa.Column("last_test_country", sa.String(length=2), nullable=True),
        sa.Column("last_tested_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_fetch_proxies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_proxies")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_fetch_proxies_workspace_id_name")),
    )
    with op.batch_alter_table("fetch_proxies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_proxies_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "fetch_request_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("site", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("bytes_in", sa.BigInteger(), nullable=False),
        sa.Column("bytes_out", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("proxy_id", sa.String(length=64), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("block_kind", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_fetch_request_log_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_request_log")),
    )
    with op.batch_alter_table("fetch_request_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_request_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_fetch_request_log_run", ["run_id"], unique=False)
        batch_op.create_index("ix_fetch_request_log_workspace_at", ["workspace_id", "at"], unique=False)

    op.create_table(
        "fetch_usage_thresholds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("mb_per_day", sa.Integer(), nullable=False),
        sa.Column("last_alerted_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_fetch_usage_thresholds_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_usage_thresholds")),
        sa.UniqueConstraint(
            "workspace_id", "provider", name=op.f("uq_fetch_usage_thresholds_workspace_id_provider")
        ),
    )
    with op.batch_alter_table("fetch_usage_thresholds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fetch_usage_thresholds_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "invitations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "admin", "member", "viewer", name="role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("revoked_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["users.id"], name=op.f("fk_invitations_accepted_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_invitations_invited_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_invitations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "admin", "member", "viewer", name="role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_memberships_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("workspace_id", "user_id", name=op.f("uq_memberships_workspace_id_user_id")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "level IN ('info', 'success', 'warning', 'error')", name=op.f("ck_notifications_level")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_notifications_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_recipient", ["workspace_id", "user_id", "id"], unique=False)
        batch_op.create_index("ix_notifications_unread", ["workspace_id", "user_id", "read_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rank_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("delay_min_seconds", sa.Integer(), nullable=False),
        sa.Column("delay_max_seconds", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column(
            "competitor_asins",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("next_run_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_rank_jobs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_jobs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_jobs")),
        sa.UniqueConstraint(
            "workspace_id", "asin", "marketplace", name=op.f("uq_rank_jobs_workspace_id_asin_marketplace")
        ),
    )
    with op.batch_alter_table("rank_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_rank_jobs_status_next_run_at", ["status", "next_run_at"], unique=False)
        batch_op.create_index("ix_rank_jobs_workspace_id_id", ["workspace_id", "id"], unique=False)

    op.create_table(
        "rank_page_cache_savings",
        sa.Column(
            "workspace_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("pages_reused", sa.Integer(), nullable=False),
        sa.Column("bytes_saved", sa.Integer(), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_page_cache_savings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_rank_page_cache_savings")),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["refresh_tokens.id"],
            name=op.f("fk_refresh_tokens_parent_id_refresh_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_refresh_tokens_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_tokens_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_tokens_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "schedules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("cron", sa.String(length=100), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(cron IS NULL AND interval_seconds IS NOT NULL) OR (cron IS NOT NULL AND interval_seconds IS NULL)",
            name=op.f("ck_schedules_one_cadence"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_schedules_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_schedules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index("ix_schedules_enabled_next_run_at", ["enabled", "next_run_at"], unique=False)
        batch_op.create_index("ix_schedules_workspace_id_id", ["workspace_id", "id"], unique=False)

    op.create_table(
        "seller_connections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("selling_partner_id", sa.String(length=64), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column(
            "marketplace_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("connected_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_seller_connections_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_connections")),
        sa.UniqueConstraint(
            "workspace_id",
            "region",
            "selling_partner_id",
            name=op.f("uq_seller_connections_workspace_id_region_selling_partner_id"),
        ),
    )
    with op.batch_alter_table("seller_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seller_connections_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "seller_oauth_states",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("expires_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_seller_oauth_states_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_seller_oauth_states_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_seller_oauth_states")),
    )
    with op.batch_alter_table("seller_oauth_states", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seller_oauth_states_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_web_sessions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_sessions_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "rank_keywords",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("normalised", sa.String(length=200), nullable=False),
        sa.Column("created_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["rank_jobs.id"], name=op.f("fk_rank_keywords_job_id_rank_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_keywords_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_keywords")),
        sa.UniqueConstraint("job_id", "normalised", name=op.f("uq_rank_keywords_job_id_normalised")),
    )
    with op.batch_alter_table("rank_keywords", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rank_keywords_workspace_id_job_id", ["workspace_id", "job_id"], unique=False
        )

    op.create_table(
        "runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("schedule_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("queued_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("available_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("enqueued_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_runs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["runs.id"], name=op.f("fk_runs_parent_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_runs_schedule_id_schedules"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_runs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_runs_status_available_at", ["status", "available_at"], unique=False)
        batch_op.create_index("ix_runs_status_heartbeat_at", ["status", "heartbeat_at"], unique=False)
        batch_op.create_index("ix_runs_workspace_id_id", ["workspace_id", "id"], unique=False)
        batch_op.create_index("ix_runs_workspace_id_status", ["workspace_id", "status"], unique=False)

    op.create_table(
        "seller_backfill_windows",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("window_start", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.String(length=255), nullable=True),
        sa.Column("rows_ingested", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["seller_connections.id"],
            name=op.f("fk_seller_backfill_windows_connection_id_seller_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_seller_backfill_windows_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_backfill_windows")),
        sa.UniqueConstraint(
            "connection_id",
            "kind",
            "scope",
            "window_start",
            "window_end",
            name=op.f("uq_seller_backfill_windows_connection_id_kind_scope_window_start_window_end"),
        ),
    )
    with op.batch_alter_table("seller_backfill_windows", schema=None) as batch_op:
        batch_op.create_index("ix_seller_backfill_windows_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_seller_backfill_windows_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "seller_ledger",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("entry_key", sa.String(length=255), nullable=False),
        sa.Column("report_type", sa.String(length=80), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=True),
        sa.Column("event_time", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("asin", sa.String(length=20), nullable=True),
        sa.Column("fnsku", sa.String(length=20), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("entry_type", sa.String(length=100), nullable=True),
        sa.Column("amount_type", sa.String(length=100), nullable=True),
        sa.Column("reference_id", sa.String(length=100), nullable=True),
        sa.Column("reconciliation_key", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Boolean(), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("ingested_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["seller_connections.id"],
            name=op.f("fk_seller_ledger_connection_id_seller_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_seller_ledger_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_ledger")),
        sa.UniqueConstraint(
            "connection_id",
            "source",
            "entry_key",
            name=op.f("uq_seller_ledger_connection_id_source_entry_key"),
        ),
    )
    with op.batch_alter_table("seller_ledger", schema=None) as batch_op:
        batch_op.create_index(
            "ix_seller_ledger_browse", ["workspace_id", "source", "event_time"], unique=False
        )

    op.create_table(
        "demo_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("processed_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_demo_items_run_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_demo_items_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_items")),
        sa.UniqueConstraint("run_id", "n", name=op.f("uq_demo_items_run_id_n")),
    )
    op.create_table(
        "rank_observations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("keyword_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("observed_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("organic_rank", sa.Integer(), nullable=True),
        sa.Column("organic_page", sa.Integer(), nullable=True),
        sa.Column("organic_position", sa.Integer(), nullable=True),
        sa.Column("sponsored_rank", sa.Integer(), nullable=True),
        sa.Column("sponsored_page", sa.Integer(), nullable=True),
        sa.Column("sponsored_position", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("pages_checked", sa.Integer(), nullable=False),
        sa.Column("total_results", sa.Integer(), nullable=True),
        sa.Column(
            "page_keys",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["rank_jobs.id"],
            name=op.f("fk_rank_observations_job_id_rank_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["keyword_id"],
            ["rank_keywords.id"],
            name=op.f("fk_rank_observations_keyword_id_rank_keywords"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_observations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_observations")),
        sa.UniqueConstraint(
            "job_id",
            "keyword_id",
            "marketplace",
            "asin",
            "run_id",
            name=op.f("uq_rank_observations_job_id_keyword_id_marketplace_asin_run_id"),
        ),
    )
    with op.batch_alter_table("rank_observations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rank_observations_history", ["job_id", "keyword_id", "asin", "observed_at"], unique=False
        )
        batch_op.create_index("ix_rank_observations_run_id", ["run_id"], unique=False)
        batch_op.create_index(
            "ix_rank_observations_workspace_id_job_id",
            ["workspace_id", "job_id", "observed_at"],
            unique=False,
        )

    op.create_table(
        "rank_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("keyword_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("observed_at", shelfscope.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("total_results", sa.Integer(), nullable=True),
        sa.Column("corrected_query", sa.Text(), nullable=True),
        sa.Column(
            "results",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["rank_jobs.id"], name=op.f("fk_rank_snapshots_job_id_rank_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["keyword_id"],
            ["rank_keywords.id"],
            name=op.f("fk_rank_snapshots_keyword_id_rank_keywords"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rank_snapshots_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_snapshots")),
        sa.UniqueConstraint(
            "job_id", "keyword_id", "run_id", name=op.f("uq_rank_snapshots_job_id_keyword_id_run_id")
        ),
    )
    with op.batch_alter_table("rank_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rank_snapshots_workspace_id_job_id", ["workspace_id", "job_id", "observed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rank_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_snapshots_workspace_id_job_id")

    op.drop_table("rank_snapshots")
    with op.batch_alter_table("rank_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_observations_workspace_id_job_id")
        batch_op.drop_index("ix_rank_observations_run_id")
        batch_op.drop_index("ix_rank_observations_history")

    op.drop_table("rank_observations")
    op.drop_table("demo_items")
    with op.batch_alter_table("seller_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_seller_ledger_browse")

    op.drop_table("seller_ledger")
    with op.batch_alter_table("seller_backfill_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seller_backfill_windows_workspace_id"))
        batch_op.drop_index("ix_seller_backfill_windows_due")

    op.drop_table("seller_backfill_windows")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_workspace_id_status")
        batch_op.drop_index("ix_runs_workspace_id_id")
        batch_op.drop_index("ix_runs_status_heartbeat_at")
        batch_op.drop_index("ix_runs_status_available_at")
        batch_op.drop_index(batch_op.f("ix_runs_parent_id"))

    op.drop_table("runs")
    with op.batch_alter_table("rank_keywords", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_keywords_workspace_id_job_id")

    op.drop_table("rank_keywords")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))

    op.drop_table("web_sessions")
    with op.batch_alter_table("seller_oauth_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seller_oauth_states_workspace_id"))

    op.drop_table("seller_oauth_states")
    with op.batch_alter_table("seller_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seller_connections_workspace_id"))

    op.drop_table("seller_connections")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_index("ix_schedules_workspace_id_id")
        batch_op.drop_index("ix_schedules_enabled_next_run_at")

    op.drop_table("schedules")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_family_id"))

    op.drop_table("refresh_tokens")
    op.drop_table("rank_page_cache_savings")
    with op.batch_alter_table("rank_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_rank_jobs_workspace_id_id")
        batch_op.drop_index("ix_rank_jobs_status_next_run_at")

    op.drop_table("rank_jobs")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index("ix_notifications_unread")
        batch_op.drop_index("ix_notifications_recipient")

    op.drop_table("notifications")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_workspace_id"))

    op.drop_table("invitations")
    with op.batch_alter_table("fetch_usage_thresholds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_usage_thresholds_workspace_id"))

    op.drop_table("fetch_usage_thresholds")
    with op.batch_alter_table("fetch_request_log", schema=None) as batch_op:
        batch_op.drop_index("ix_fetch_request_log_workspace_at")
        batch_op.drop_index("ix_fetch_request_log_run")
        batch_op.drop_index(batch_op.f("ix_fetch_request_log_at"))

    op.drop_table("fetch_request_log")
    with op.batch_alter_table("fetch_proxies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_proxies_workspace_id"))

    op.drop_table("fetch_proxies")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_workspace_id"))

    op.drop_table("api_keys")
    op.drop_table("workspaces")
    op.drop_table("users")
    op.drop_table("rank_page_cache")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_email_ip_at")

    op.drop_table("login_attempts")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_workspace_at")
        batch_op.drop_index("ix_audit_log_entity")

    op.drop_table("audit_log")
