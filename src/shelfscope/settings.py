"""One typed settings object, built once per entry point and passed down.

Values come from (highest first) keyword arguments, ``SHELFSCOPE_*`` environment variables
(nested groups use ``__``: ``SHELFSCOPE_JOBS__WORKER_CONCURRENCY=4``), a ``.env`` file, and
``shelfscope.toml`` in the working directory (or the file named by ``SHELFSCOPE_CONFIG_FILE``).
Nothing in this module reads the environment at import time.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from shelfscope.errors import ConfigError

__all__ = [
    "AlertsSettings",
    "AuthSettings",
    "BrowserSettings",
    "EventsSettings",
    "FetchDelay",
    "FetchSettings",
    "JobsSettings",
    "RanksSettings",
    "SandboxSettings",
    "SellerSettings",
    "Settings",
    "VaultSettings",
    "WebSettings",
    "load_settings",
]

# Values people paste from tutorials. A deployment that ships one of them is as good as unprotected.
_INSECURE_SECRETS = frozenset({"", "changethis", "changeme", "secret", "dev", "development", "insecure"})
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-deploy"  # noqa: S105 - refused outside dev mode


class AuthSettings(BaseModel):
    """Accounts, sessions, tokens and rate limits."""

    session_days: int = Field(14, ge=1, description="Lifetime of a dashboard login session.")
    access_token_minutes: int = Field(15, ge=1, le=1440, description="Lifetime of an API access JWT.")
    refresh_token_days: int = Field(30, ge=1, description="Lifetime of an API refresh token.")
    cookie_secure: bool = Field(
        False, description="Mark cookies Secure; turn on when the dashboard is served over HTTPS."
    )
    login_max_failures: int = Field(5, ge=1, description="Failed logins per email and IP before lockout.")
    login_window_seconds: int = Field(900, ge=10, description="Window in which failed logins are counted.")
    api_key_rate_per_minute: int = Field(600, ge=1, description="API requests per minute per API key.")
    ip_rate_per_minute: int = Field(1200, ge=1, description="API requests per minute per client IP.")
    invitation_days: int = Field(7, ge=1, description="How long an invitation link stays valid.")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest accepted JSON request body.")


class VaultSettings(BaseModel):
    """Encryption of stored secrets (refresh tokens, proxy passwords)."""

    keys: list[SecretStr] = Field(
        default_factory=list,
        description=(
            "Fernet keys, newest first. Empty: keys are kept in <data_dir>/vault.keys, "
            "created on first start."
        ),
    )


class JobsSettings(BaseModel):
    """Background work: embedded or separate workers, the scheduler and the reconciler."""

    worker_concurrency: int = Field(2, ge=1, le=64, description="Worker threads per worker process.")
    scheduler_interval_seconds: float = Field(5.0, gt=0, description="Seconds between scheduler ticks.")
    heartbeat_seconds: float = Field(5.0, gt=0, description="How often a running job proves it is alive.")
    stale_after_seconds: float = Field(
        60.0, gt=0, description="A running job whose heartbeat is older than this is re-queued."
    )
    requeue_after_seconds: float = Field(
        120.0, gt=0, description="A queued job no worker picked up after this long is enqueued again."
    )
    max_attempts: int = Field(3, ge=1, le=20, description="Attempts before a run is marked failed.")
    retry_backoff_seconds: float = Field(30.0, ge=0, description="Base delay before retrying a failed run.")
    dispatch_limit: int = Field(50, ge=1, description="Most units of due work claimed per scheduler tick.")
    retry_backoff_max_seconds: float = Field(
        3600.0, ge=0, description="Longest delay between retries, however many attempts came before."
    )
    progress_interval_seconds: float = Field(
        1.0, ge=0, description="Least time between two progress writes (and live events) of one run."
    )
    shutdown_timeout_seconds: float = Field(
        30.0,
        ge=0,
        description="How long a stopping worker lets running jobs finish before it hands them back.",
    )
    serve_grace_seconds: float = Field(
        5.0,
        ge=0,
        description=(
            "On Ctrl-C or SIGTERM, how long `shelfscope serve` lets running jobs and open requests "
            "finish before it exits; unfinished runs go back to the queue."
        ),
    )

    @model_validator(mode="after")
    def _stale_after_outlasts_heartbeats(self) -> JobsSettings:
        # A run is presumed dead after missing heartbeats; with too short a margin a busy but
        # healthy worker would have its runs taken away and executed a second time.
        if self.stale_after_seconds < 3 * self.heartbeat_seconds:
            raise ValueError(
                "jobs.stale_after_seconds must be at least 3 x jobs.heartbeat_seconds "
                f"({self.stale_after_seconds:g} < 3 x {self.heartbeat_seconds:g})"
            )
        return self


class EventsSettings(BaseModel):
    """Live updates: the event bus and the dashboard WebSocket."""

    retained: int = Field(
        1000,
        ge=10,
        description=(
            "Recent events kept so a reconnecting client can resume: the in-process ring buffer size "
            "and the approximate length of the Redis stream."
        ),
    )
    subscriber_queue: int = Field(
        256, ge=1, description="Events buffered per live connection; a client further behind must reload."
    )
    ping_seconds: float = Field(20.0, gt=0, description="Interval of keep-alive pings on the WebSocket.")
    reauth_seconds: float = Field(
        60.0, gt=0, description="How often an open WebSocket re-checks its credentials (logout, revoked key)."
    )


class SandboxSettings(BaseModel):
    """The local simulator of every outside system."""

    enabled: bool = Field(False, description="Start the sandbox in-process and point connectors at it.")
    host: str = Field("127.0.0.1", description="Interface the sandbox listens on.")
    port: int = Field(0, ge=0, le=65535, description="Port of the in-process sandbox; 0 picks a free one.")
    url: str | None = Field(
        None, description="Base URL of an already running sandbox to point connectors at."
    )
    seed: int = Field(
        0,
        description="Seed of the sandbox's random generator: the same seed serves the same data and faults.",
    )
    clock_speed: float = Field(
        1.0,
        ge=0,
        description="Sandbox seconds per real second (3600: an hour a second, for backfills); 0 freezes it.",
    )


class FetchDelay(BaseModel):
    """A pause between two requests to one host: a random number of seconds in [min, max]."""

    min_seconds: float = Field(ge=0, description="Shortest pause.")
    max_seconds: float = Field(ge=0, description="Longest pause.")

    @model_validator(mode="after")
    def _ordered(self) -> FetchDelay:
        if self.min_seconds > self.max_seconds:
            raise ValueError(f"min_seconds {self.min_seconds:g} exceeds max_seconds {self.max_seconds:g}")
        return self


def _default_fetch_delays() -> dict[str, FetchDelay]:
    return {"default": FetchDelay(min_seconds=2.0, max_seconds=8.0)}


_Blockable = Literal["image", "media", "font", "stylesheet"]


class BrowserSettings(BaseModel):
    """The browser client: the system Chromium driven by Playwright, for pages only a browser gets."""

    chromium_path: str = Field(
        "/usr/bin/chromium",
        description="The Chromium executable (the system package; a downloaded browser is never used).",
    )
    pages_per_context: int = Field(
        50,
        ge=1,
        description=(
            "Pages a browser context serves before it is closed and reopened; long-lived contexts "
            "grow without bound (scrapy-playwright #126)."
        ),
    )
    contexts_per_browser: int = Field(
        50, ge=1, description="Contexts opened before the Chromium process itself is restarted."
    )
    max_contexts: int = Field(8, ge=1, le=64, description="Browser contexts open at once (one per session).")
    block_resources: list[_Blockable] = Field(
        default_factory=lambda: list[_Blockable](["image", "media", "font"]),
        description="Resource types not downloaded by default: image, media, font, stylesheet.",
    )
    capture_wait_seconds: float = Field(
        10.0, ge=0, description="How long to wait after load for the responses a request asked to capture."
    )
    sites: list[Literal["amazon", "shopee", "tiktok", "generic"]] = Field(
        default_factory=list,
        description=(
            "Sites always fetched with the browser client, whatever the request asks; Chromium must "
            "then exist when settings load (serve, worker, scheduler refuse to start without it)."
        ),
    )
    profiles: list[str] = Field(
        default_factory=list,
        description="Request profiles (the throttle profile names) always fetched with the browser client.",
    )

    @model_validator(mode="after")
    def _chromium_when_forced(self) -> BrowserSettings:
        # Found at start-up rather than by the first job that needs a rendered page.
        if (self.sites or self.profiles) and not (
            shutil.which(self.chromium_path) or Path(self.chromium_path).is_file()
        ):
            raise ValueError(
                f"browser mode is on (sites {self.sites}, profiles {self.profiles}) but Chromium is not at "
                f"{self.chromium_path!r}: install it (apt-get install chromium) or set "
                "SHELFSCOPE_FETCH__BROWSER__CHROMIUM_PATH"
            )
        return self


class FetchSettings(BaseModel):
    """The scraping engine: timeouts, politeness, sessions, retries and the circuit breaker."""

    connect_timeout_seconds: float = Field(10.0, gt=0, description="Longest TCP and TLS handshake.")
    read_timeout_seconds: float = Field(
        30.0, gt=0, description="Longest stall without receiving a byte before a request is abandoned."
    )
    total_timeout_seconds: float = Field(
        60.0, gt=0, description="Longest time one request may take, redirects included."
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1024,
        description="Largest (decompressed) body accepted; a bigger one is aborted.",
    )
    max_redirects: int = Field(10, ge=0, le=30, description="Redirects followed per request.")
    verify_tls: bool = Field(True, description="Verify TLS certificates of the sites fetched.")
    allow_direct: bool = Field(
        False,
        description=(
            "Fetch without a proxy when none is configured. Off by default: marketplaces ban a "
            "server's own address quickly. Loopback targets (the sandbox) are always fetched directly."
        ),
    )
    default_locale: str = Field(
        "en-US", description="Locale for Accept-Language when a request names no marketplace locale."
    )
    delays_enabled: bool = Field(
        True, description="Pause between requests to a host. Off in tests; the sandbox mode turns it off too."
    )
    delays: dict[str, FetchDelay] = Field(
        default_factory=_default_fetch_delays,
        description="Pause ranges by request profile; 'default' applies to profiles not listed.",
    )
    backoff_step_seconds: float = Field(
        5.0, ge=0, description="Extra pause added to a host's delay when its errors come faster than pages."
    )
    backoff_max_seconds: float = Field(120.0, ge=0, description="Largest extra pause for one host.")
    session_max_age_seconds: float = Field(
        300.0, gt=0, description="A fetch session (identity, cookies, proxy) is retired after this long."
    )
    session_max_uses: int = Field(50, ge=1, description="A fetch session is retired after this many uses.")
    sessions_per_key: int = Field(
        3, ge=1, le=100, description="Live sessions per site, marketplace, device and language."
    )
    client_recycle_after: int = Field(
        200, ge=1, description="Requests before an HTTP client session is reopened, to bound memory."
    )
    client_max_connections: int = Field(8, ge=1, le=256, description="Connections per HTTP client session.")
    max_attempts: int = Field(3, ge=1, le=10, description="Attempts per request, the first included.")
    retry_base_seconds: float = Field(
        1.0, ge=0, description="Backoff base: retry n waits up to base x 2^(n-1), with full jitter."
    )
    retry_max_seconds: float = Field(30.0, ge=0, description="Longest backoff between two attempts.")
    max_retry_after_seconds: float = Field(
        120.0,
        ge=0,
        description="Longest Retry-After waited out in a request; a longer one fails it for a later retry.",
    )
    breaker_failures: int = Field(
        5, ge=1, description="Consecutive host failures (errors, timeouts, 5xx) that open its circuit."
    )
    breaker_reset_seconds: float = Field(
        30.0, gt=0, description="How long an open circuit refuses requests before one trial request."
    )
    proxy_dead_after: int = Field(
        3, ge=1, description="Connection failures in a row that send a proxy to cooldown."
    )
    proxy_cooldown_seconds: float = Field(
        30.0, gt=0, description="First cooldown of a dead proxy; doubled each time it fails its re-check."
    )
    proxy_cooldown_max_seconds: float = Field(3600.0, gt=0, description="Longest cooldown of a dead proxy.")
    proxy_check_url: str | None = Field(
        None,
        description=(
            "URL fetched through a proxy by 'test connection'; a JSON answer with 'ip' and 'country' "
            "reports the exit. Sandbox mode uses the sandbox's own."
        ),
    )
    request_log_retention_days: int = Field(
        14, ge=1, description="Days the request log keeps its rows (pruned by a scheduled job)."
    )
    request_log_batch_size: int = Field(
        200, ge=1, le=10000, description="Request-log rows inserted per transaction."
    )
    maintenance_interval_seconds: int = Field(
        3600,
        ge=60,
        description=(
            "How often the system 'fetch.maintenance' run prunes the request log and checks every "
            "workspace's bandwidth thresholds; no schedule needs to be created for it."
        ),
    )
    browser: BrowserSettings = Field(
        default_factory=BrowserSettings, description="The browser client (Playwright + system Chromium)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> FetchSettings:
        if self.connect_timeout_seconds > self.total_timeout_seconds:
            raise ValueError("fetch.connect_timeout_seconds cannot exceed fetch.total_timeout_seconds")
        if "default" not in self.delays:
            raise ValueError("fetch.delays needs a 'default' profile")
        return self


class RanksSettings(BaseModel):
    """Keyword rank tracking: where storefronts are, page sharing, pauses and the raw-page archive."""

    amazon_base_url: str | None = Field(
        None,
        description=(
            "Storefront base URL; {domain} (amazon.de) and {code} (de) are filled in per marketplace. "
            "Unset: https://www.{domain}, or the sandbox's storefronts when the sandbox runs."
        ),
    )
    page_cache_seconds: float = Field(
        600.0,
        ge=0,
        description=(
            "A search page fetched for one job serves every job needing the same (marketplace, "
            "keyword, page) for this long, across workspaces; 0 turns sharing off."
        ),
    )
    pauses_enabled: bool = Field(
        True,
        description=(
            "Random pauses between jobs and between a job's keyword checks. Off in tests; "
            "the sandbox mode turns them off too."
        ),
    )
    job_pause_min_seconds: float = Field(5.0, ge=0, description="Shortest pause between two dispatched jobs.")
    job_pause_max_seconds: float = Field(15.0, ge=0, description="Longest pause between two dispatched jobs.")
    schedule_jitter: float = Field(
        0.1,
        ge=0,
        le=0.5,
        description="Random share of a job's interval added or taken from its next run, so jobs spread out.",
    )
    start_jitter_seconds: float = Field(
        60.0, ge=0, description="A new or resumed job first runs within this many seconds."
    )
    snapshot_pages: int = Field(
        3, ge=1, le=7, description="Pages of results kept per keyword and run for share-of-voice analysis."
    )
    max_keywords_per_job: int = Field(1000, ge=1, description="Most keywords one tracking job may hold.")
    layout_alert_share: float = Field(
        0.3,
        gt=0,
        le=1,
        description="Share of a marketplace's recent pages failing to parse that means its layout changed.",
    )
    layout_alert_window_hours: float = Field(
        6.0, gt=0, description="How far back pages count for the layout alert."
    )
    layout_alert_min_pages: int = Field(
        10, ge=1, description="Fewest recent pages before the layout alert can fire."
    )

    @model_validator(mode="after")
    def _ordered_pauses(self) -> RanksSettings:
        if self.job_pause_min_seconds > self.job_pause_max_seconds:
            raise ValueError("ranks.job_pause_min_seconds exceeds ranks.job_pause_max_seconds")
        return self


class SellerSettings(BaseModel):
    """The Amazon SP-API connection (issue 5): the app's LWA credentials, endpoints and retry policy.

    Every URL is a setting so sandbox mode can point them at the local simulator.
    """

    lwa_client_id: str = Field("", description="LWA client id of the SP-API application.")
    lwa_client_secret: SecretStr = Field(SecretStr(""), description="LWA client secret of the application.")
    application_id: str = Field("", description="Solution Provider Portal application id (consent URL).")
    application_draft: bool = Field(
        True, description="The app is in Draft: consent URLs carry version=beta, as Amazon requires."
    )
    redirect_url: str = Field(
        "http://127.0.0.1:8000/api/amazon/oauth-callback",
        description="The OAuth redirect URI registered for the app; sent with the code exchange.",
    )
    lwa_token_url: str = Field("https://api.amazon.com/auth/o2/token", description="LWA token endpoint.")
    spapi_urls: dict[str, str] = Field(
        default_factory=lambda: {
            "NA": "https://sellingpartnerapi-na.amazon.com",
            "EU": "https://sellingpartnerapi-eu.amazon.com",
            "FE": "https://sellingpartnerapi-fe.amazon.com",
        },
        description="SP-API endpoint per region (NA, EU, FE).",
    )
    consent_urls: dict[str, str] = Field(
        default_factory=lambda: {
            "NA": "https://sellercentral.amazon.com",
            "EU": "https://sellercentral-europe.amazon.com",
            "FE": "https://sellercentral.amazon.co.jp",
        },
        description="Seller Central base URL per region, where the consent page lives.",
    )
    state_ttl_seconds: int = Field(600, ge=30, description="How long a consent link's state stays valid.")
    token_refresh_margin_seconds: int = Field(
        120, ge=0, description="Refresh an access token this long before it expires."
    )
    fatal_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [1800.0, 14400.0],
        description="Waits before re-requesting a FATAL report: 30 min, then 4 h (Amazon cooldowns).",
    )
    max_attempts: int = Field(4, ge=1, le=20, description="FATAL attempts per window before it fails.")
    throttle_retries: int = Field(8, ge=0, le=30, description="429 retries of one call before giving up.")
    backoff_base_seconds: float = Field(2.0, ge=0, description="First wait after a 429; doubles each time.")
    backoff_max_seconds: float = Field(300.0, ge=0, description="Longest wait after a 429.")
    poll_seconds: float = Field(
        30.0, ge=0, description="A report still processing is polled again this much later, by a later run."
    )
    lookback_hours: int = Field(48, ge=0, description="Daily sync re-reads this much: late finance events.")
    max_inline_wait_seconds: float = Field(
        60.0, ge=0, description="Longer rate-limit waits put the window back in the plan instead of sleeping."
    )
    history_months: int = Field(18, ge=1, le=24, description="How far back the first backfill reaches.")


class AlertsSettings(BaseModel):
    """Alert delivery: webhooks, email over SMTP, cooldowns and the daily digest."""

    smtp_host: str | None = Field(
        None, description="SMTP server for alert email; unset: email channels fail."
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port (587 STARTTLS, 465 SSL, 25 plain).")
    smtp_username: str | None = Field(None, description="SMTP login; unset: no authentication.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password (never logged).")
    from_address: str = Field("shelfscope@localhost", description="Sender address of alert email.")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        description="starttls upgrades a plain connection, ssl connects with TLS, none sends plain.",
    )
    smtp_timeout_seconds: float = Field(20.0, gt=0, description="Longest wait for the SMTP server.")
    webhook_timeout_seconds: float = Field(10.0, gt=0, description="Longest wait for a webhook answer.")
    allow_private_targets: bool = Field(
        False,
        description=(
            "Let webhooks reach loopback and private addresses. Off: only public addresses, so a "
            "webhook URL cannot probe the internal network. The sandbox mode allows them too."
        ),
    )
    delivery_attempts: int = Field(5, ge=1, le=20, description="Attempts per webhook or email delivery.")
    default_cooldown_minutes: int = Field(
        360, ge=1, description="Cooldown of a rule that names none: it fires at most once per subject in it."
    )
    digest_hour_utc: int = Field(7, ge=0, le=23, description="Hour (UTC) the daily digest of alerts is sent.")


class ArchiveSettings(BaseModel):
    """The raw archive of fetched pages and downloaded documents (:mod:`shelfscope.archive`)."""

    dir: Path | None = Field(None, description="Where raw payloads are archived. Unset: <data_dir>/archive.")
    retention_days: int = Field(
        90,
        ge=1,
        description="Archived payloads older than this are deleted; reparse cannot go back further.",
    )


class WebSettings(BaseModel):
    """The HTTP server."""

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=1, le=65535, description="Port to listen on.")
    public_url: str | None = Field(None, description="URL users reach the dashboard at, for links in mail.")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Reverse proxies whose X-Forwarded-For is believed."
    )


class Settings(BaseSettings):
    """Everything shelfscope can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="SHELFSCOPE_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        toml_file="shelfscope.toml",
    )

    dev: bool = Field(False, description="Development mode: allows the built-in insecure secret key.")
    data_dir: Path = Field(Path("var"), description="Where the SQLite database, queue and archive live.")
    secret_key: SecretStr | None = Field(
        None,
        description=(
            "Signs sessions and tokens. Unset in embedded mode: generated once into <data_dir>/secret.key. "
            "Required in distributed mode, shared by every process."
        ),
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL. Unset: sqlite:///<data_dir>/shelfscope.db."
    )
    queue_url: str | None = Field(
        None, description="Task queue. Unset: a SQLite queue file in the data dir. redis://… for Redis."
    )
    bus_url: str | None = Field(
        None,
        description="Event bus for live updates. Unset: Redis when queue_url is redis://, else in-process.",
    )
    instance_name: str = Field(
        "shelfscope",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$",
        description="Namespace for queue names and Redis keys, so installations can share one Redis.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Log verbosity.")
    log_json: bool = Field(False, description="Write logs as JSON lines instead of console text.")

    auth: AuthSettings = Field(default_factory=AuthSettings)
    vault: VaultSettings = Field(default_factory=VaultSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    events: EventsSettings = Field(default_factory=EventsSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    ranks: RanksSettings = Field(default_factory=RanksSettings)
    seller: SellerSettings = Field(default_factory=SellerSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("SHELFSCOPE_CONFIG_FILE", "shelfscope.toml"))
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @model_validator(mode="after")
    def _refuse_insecure_secret(self) -> Settings:
        if self.secret_key is not None and not self.dev:
            value = self.secret_key.get_secret_value()
            if value.lower() in _INSECURE_SECRETS or value == _DEV_SECRET or len(value) < 16:
                raise ValueError(
                    "SHELFSCOPE_SECRET_KEY is a well-known or short value; set at least 16 random characters "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(32))') or unset it"
                )
        return self

    # Derived values --------------------------------------------------------------------------

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'shelfscope.db').resolve()}"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{(self.data_dir / 'queue.db').resolve()}"

    @property
    def resolved_bus_url(self) -> str:
        if self.bus_url:
            return self.bus_url
        if self.resolved_queue_url.startswith(("redis://", "rediss://")):
            return self.resolved_queue_url
        return "memory://"

    @property
    def distributed(self) -> bool:
        """True when state lives in shared services, so several processes and machines cooperate."""
        return not self.resolved_database_url.startswith("sqlite")

    def secret_key_value(self) -> str:
        """The signing key; call :func:`load_settings` (or ``with_secrets``) first outside dev mode."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self.dev:
            return _DEV_SECRET
        raise ConfigError("no secret key is configured; set SHELFSCOPE_SECRET_KEY")

    def with_secrets(self) -> Settings:
        """Fill in the secret key from ``<data_dir>/secret.key``, creating it on first use.

        A generated per-installation key is what makes the two-command setup safe: nobody ships a
        default. Several machines cannot share a file, so distributed mode must set the key itself.
        """
        if self.secret_key is not None or self.dev:
            return self
        if self.distributed:
            raise ConfigError(
                "SHELFSCOPE_SECRET_KEY must be set in distributed mode (PostgreSQL): every process "
                "must sign with the same key"
            )
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return self.model_copy(update={"secret_key": SecretStr(path.read_text().strip())})


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and files, with secrets resolved.

    Invalid values become a :class:`ConfigError` that names the offending setting.
    """
    from pydantic import ValidationError

    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
    return settings.with_secrets()
