"""Chromium and its contexts, opened on demand and recycled to bound memory.

Long-lived browser contexts grow without bound (scrapy-playwright #126 and #240: 4 to 18 GB
after about 700 pages; microsoft/playwright#6319), so a context serves at most
``pages_per_context`` pages and is then closed once its last page is done; and the Chromium
process is itself restarted after ``contexts_per_browser`` contexts. One context serves one
fetch session (identity, proxy and cookies are per context in Playwright), and a context whose
session retired is closed. Cookies live in the session's jar, so recycling loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from shelfscope.errors import ConfigError
from shelfscope.fetch.clients._browser_identity import context_options, languages_script
from shelfscope.fetch.sessions import FetchSession

__all__ = ["CHROMIUM_ARGS", "ContextLease", "ContextPool", "require_chromium"]

#: Launch flags checked on this kind of machine (ARCHITECTURE §11). Without the
#: background-networking ones Chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)


def require_chromium(path: str) -> str:
    """The Chromium executable at ``path`` (or on PATH by that name); missing is a ConfigError."""
    found = shutil.which(path)
    if found is None and not Path(path).is_file():
        raise ConfigError(
            f"browser mode needs Chromium, but {path!r} does not exist: install the system package "
            "(apt-get install chromium) or set SHELFSCOPE_FETCH__BROWSER__CHROMIUM_PATH"
        )
    return found or path


@dataclass(eq=False)
class _Chromium:
    """One Chromium process and how many contexts it has served."""

    browser: Browser
    opened: int = 0
    open_now: int = 0
    retiring: bool = False


@dataclass(eq=False)
class ContextLease:
    """A context serving one session; ``pages`` served so far, ``in_flight`` open right now."""

    context: BrowserContext
    session: FetchSession
    chromium: _Chromium
    pages: int = 0
    in_flight: int = 0
    last_used: int = 0


class ContextPool:
    def __init__(
        self,
        *,
        chromium_path: str,
        pages_per_context: int = 50,
        contexts_per_browser: int = 50,
        max_contexts: int = 8,
    ) -> None:
        self._path = chromium_path
        self._pages_per_context, self._per_browser = pages_per_context, contexts_per_browser
        self._max_contexts = max_contexts
        self._playwright: Playwright | None = None
        self._chromium: _Chromium | None = None
        self._leases: dict[str, ContextLease] = {}
        self._retiring: list[ContextLease] = []
        self._lock = asyncio.Lock()
        self._ticks = 0
        self.contexts_opened = 0
        self.browsers_launched = 0

    @property
    def open_contexts(self) -> int:
        return len(self._leases) + len(self._retiring)

    async def checkout(self, session: FetchSession) -> ContextLease:
        """The context for ``session``, opened or recycled as needed; counted as in use."""
        async with self._lock:
            self._retire_stale(session)
            lease = self._leases.get(session.id)
            if lease is None:
                lease = await self._open(session)
                self._leases[session.id] = lease
            lease.pages += 1
            lease.in_flight += 1
            self._ticks += 1
            lease.last_used = self._ticks
            return lease

    async def checkin(self, lease: ContextLease) -> None:
        lease.in_flight -= 1
        await self._reap()

    def _retire_stale(self, session: FetchSession) -> None:
        for session_id, lease in list(self._leases.items()):
            worn = session_id == session.id and lease.pages >= self._pages_per_context
            if lease.session.retired or worn:
                self._retiring.append(self._leases.pop(session_id))
        if session.id not in self._leases and len(self._leases) >= self._max_contexts:
            idle = [lease for lease in self._leases.values() if lease.in_flight == 0]
            if idle:
                oldest = min(idle, key=lambda lease: lease.last_used)
                self._retiring.append(self._leases.pop(oldest.session.id))

    async def _open(self, session: FetchSession) -> ContextLease:
        chromium = await self._current_chromium()
        options = context_options(session)
        context = await chromium.browser.new_context(**options)
        await context.add_init_script(languages_script(session.accept_language))
        chromium.opened += 1
        chromium.open_now += 1
        self.contexts_opened += 1
        if chromium.opened >= self._per_browser:
            chromium.retiring = True  # later contexts go to a fresh process
        return ContextLease(context=context, session=session, chromium=chromium)

    async def _current_chromium(self) -> _Chromium:
        previous = self._chromium
        if previous is not None and not previous.retiring:
            return previous
        current = self._chromium = _Chromium(browser=await self._launch())
        if previous is not None and previous.open_now == 0:
            await previous.browser.close()
        return current

    async def _launch(self) -> Browser:
        path = require_chromium(self._path)
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        try:
            browser = await self._playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        except PlaywrightError as exc:
            raise ConfigError(f"Chromium at {path!r} did not start: {exc.message.splitlines()[0]}") from exc
        self.browsers_launched += 1
        return browser

    async def _reap(self) -> None:
        idle = [lease for lease in self._retiring if lease.in_flight == 0]
        for lease in idle:
            self._retiring.remove(lease)
            await self._close(lease)

    async def _close(self, lease: ContextLease) -> None:
        chromium = lease.chromium
        with contextlib.suppress(PlaywrightError):  # the browser is already gone: nothing to free
            await lease.context.close()
        chromium.open_now -= 1
        if chromium.retiring and chromium.open_now == 0 and chromium is not self._chromium:
            await chromium.browser.close()

    async def aclose(self) -> None:
        """Close every context, Chromium and Playwright; in-flight pages fail."""
        leases = [*self._leases.values(), *self._retiring]
        self._leases.clear()
        self._retiring.clear()
        for lease in leases:
            await self._close(lease)
        if self._chromium is not None:
            await self._chromium.browser.close()
            self._chromium = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None
