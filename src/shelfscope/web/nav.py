"""The navigation registry: each feature adds its section with one call when its pages module loads.

Sections that nobody registered are simply absent, so a feature that is not built yet never
leads to an empty page. A feature's ``pages.py`` does::

    register_nav_section(key="ranks", title="Keyword ranks", url="/ranks", icon="trend", order=10)

Conventional orders and icons of the planned features: ranks 10 ``trend``, products 20 ``box``,
seller 30 ``store``, amc 40 ``cloud``, leads 50 ``globe``. Platform pages (overview, jobs,
notifications, settings) live in the ``platform`` group; feature sections in ``features``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.web.icons import ICONS

__all__ = [
    "NAV_GROUPS",
    "NavSection",
    "active_section",
    "nav_sections",
    "register_nav_section",
    "unregister_nav_section",
]

# Group key → heading shown above its sections, in display order.
NAV_GROUPS: dict[str, str] = {"features": "Data", "platform": "Workspace"}

_lock = threading.Lock()
_sections: dict[str, NavSection] = {}


@dataclass(frozen=True, slots=True)
class NavSection:
    """One entry of the sidebar. ``url`` is also the path prefix that marks it active."""

    key: str
    title: str
    url: str
    icon: str = "grid"
    order: int = 100
    group: str = "features"
    min_role: Role = Role.VIEWER

    def is_active(self, path: str) -> bool:
        if self.url == "/":
            return path == "/"
        return path == self.url or path.startswith(self.url.rstrip("/") + "/")


def register_nav_section(
    *,
    key: str,
    title: str,
    url: str,
    icon: str = "grid",
    order: int = 100,
    group: str = "features",
    min_role: Role = Role.VIEWER,
) -> NavSection:
    """Add (or replace, by ``key``) a sidebar section; shown to members whose role reaches ``min_role``."""
    if icon not in ICONS:
        raise InvalidInput(f"unknown nav icon {icon!r}; pick one of {', '.join(sorted(ICONS))}", field="icon")
    if group not in NAV_GROUPS:
        raise InvalidInput(f"unknown nav group {group!r}; pick one of {', '.join(NAV_GROUPS)}", field="group")
    if not url.startswith("/"):
        raise InvalidInput("nav section url must be a path starting with /", field="url")
    section = NavSection(
        key=key, title=title, url=url, icon=icon, order=order, group=group, min_role=min_role
    )
    with _lock:
        _sections[key] = section
    return section


def unregister_nav_section(key: str) -> None:
    """Remove a section (tests, or a feature switched off by configuration)."""
    with _lock:
        _sections.pop(key, None)


def nav_sections(*, role: Role) -> list[tuple[str, list[NavSection]]]:
    """Visible sections grouped as ``[(group heading, sections)]``, groups without sections omitted."""
    with _lock:
        visible = [s for s in _sections.values() if role.allows(s.min_role)]
    grouped: list[tuple[str, list[NavSection]]] = []
    for group, heading in NAV_GROUPS.items():
        members = sorted((s for s in visible if s.group == group), key=lambda s: (s.order, s.title))
        if members:
            grouped.append((heading, members))
    return grouped


def active_section(path: str) -> NavSection | None:
    """The section a path belongs to: the one with the longest matching url."""
    with _lock:
        matches = [s for s in _sections.values() if s.is_active(path)]
    return max(matches, key=lambda s: len(s.url), default=None)
