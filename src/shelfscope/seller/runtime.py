"""What seller services share within a process: HTTP client, rate limiter, token cache, LWA.

Rate-limit buckets and cached access tokens must outlive one run (Amazon's buckets do), so they
live here, built once from the platform. Tests inject the sleep and the clock; the sandbox's
fast clock sets ``speed``, which scales the client's buckets the way it scales Amazon's.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update

from shelfscope.alerts.notifications import notify
from shelfscope.errors import AuthorizationRevoked, ConfigError, InvalidInput
from shelfscope.fetch import ApiHttp
from shelfscope.platform import Platform
from shelfscope.seller.lwa_client import AccessTokenCache, LwaClient
from shelfscope.seller.models import ConnectionStatus, SellerConnection
from shelfscope.seller.ratelimit import RateLimiter
from shelfscope.seller.spapi.lwa import TokenGrant
from shelfscope.seller.spapi_client import RetryPolicy, SpapiClient

__all__ = ["SellerRuntime", "runtime_for"]


@dataclass
class SellerRuntime:
    platform: Platform
    http: ApiHttp
    limiter: RateLimiter
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    tokens: AccessTokenCache = field(init=False)
    lwa: LwaClient = field(init=False)

    def __post_init__(self) -> None:
        settings = self.platform.settings.seller
        self.tokens = AccessTokenCache(
            now=self.platform.clock.now, margin=timedelta(seconds=settings.token_refresh_margin_seconds)
        )
        self.lwa = LwaClient.from_settings(settings, http=self.http)

    @classmethod
    def from_platform(
        cls,
        platform: Platform,
        *,
        http: ApiHttp | None = None,
        sleep: Callable[[float], None] = time.sleep,
        speed: float = 1.0,
    ) -> SellerRuntime:
        client = http or ApiHttp(timeout=60.0, connect_timeout=10.0)
        return cls(platform=platform, http=client, limiter=RateLimiter(speed=speed), sleep=sleep)

    def close(self) -> None:
        self.http.close()

    def client_for(self, connection: SellerConnection) -> SpapiClient:
        """An SP-API client that refreshes this connection's token, and flags revoked consent."""
        settings = self.platform.settings.seller
        base_url = settings.spapi_urls.get(connection.region)
        if base_url is None:
            raise InvalidInput(
                f"no SP-API endpoint configured for region {connection.region}", field="region"
            )
        connection_id, workspace_id, encrypted = (
            connection.id,
            connection.workspace_id,
            connection.refresh_token,
        )

        def refresh() -> TokenGrant:
            if not encrypted:
                raise ConfigError("this Amazon connection has no stored authorization; reconnect it")
            try:
                return self.lwa.refresh(self.platform.vault.decrypt(encrypted))
            except AuthorizationRevoked as exc:
                self.mark_reauth_needed(
                    connection_id=connection_id, workspace_id=workspace_id, reason=exc.message
                )
                raise

        def access_token(force: bool) -> str:
            if force:
                self.tokens.invalidate(connection_id)
            return self.tokens.get(connection_id, refresh=refresh)

        return SpapiClient(
            connection_id=connection_id,
            base_url=base_url,
            access_token=access_token,
            http=self.http,
            limiter=self.limiter,
            sleep=self.sleep,
            rng=self.rng,
            policy=RetryPolicy(
                throttle_retries=settings.throttle_retries,
                base_seconds=settings.backoff_base_seconds,
                max_seconds=settings.backoff_max_seconds,
            ),
            max_wait=settings.max_inline_wait_seconds,
        )

    def mark_reauth_needed(self, *, connection_id: int, workspace_id: int, reason: str) -> None:
        """Amazon refused the refresh token: stop syncing and ask the workspace to reconnect."""
        self.tokens.invalidate(connection_id)
        with self.platform.db.session() as session:
            session.execute(
                update(SellerConnection)
                .where(SellerConnection.id == connection_id)
                .values(status=ConnectionStatus.REAUTH_NEEDED.value, last_error=reason[:2000])
            )
            notify(
                session,
                self.platform.bus,
                workspace_id=workspace_id,
                title="Amazon needs you to re-authorize shelfscope",
                body="The seller authorization was withdrawn or expired. Reconnect the account to resume.",
                link="/seller/connections",
                level="warning",
                kind="seller_reauth",
            )


_runtimes: dict[int, SellerRuntime] = {}
_runtimes_lock = threading.Lock()


def runtime_for(platform: Platform) -> SellerRuntime:
    """The process's runtime for ``platform``, built on first use: buckets and cached tokens
    must be shared by every run and request of the process, as Amazon's buckets are."""
    with _runtimes_lock:
        runtime = _runtimes.get(id(platform))
        if runtime is None or runtime.platform is not platform:
            sandbox = platform.settings.sandbox
            speed = sandbox.clock_speed if sandbox.enabled else 1.0
            runtime = _runtimes[id(platform)] = SellerRuntime.from_platform(platform, speed=speed)
        return runtime
