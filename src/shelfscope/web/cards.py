"""The home page's card registry: features add a summary card to the overview with one call.

A card is a template plus a loader that returns its context::

    register_home_card(key="ranks", title="Keyword ranks", load=rank_summary, order=10,
                       template="ranks/home_card.html", url="/ranks")

With the default template (``cards/stats.html``) the loader only returns
``{"stats": [Stat(label="Tracked keywords", value=42, url="/ranks"), ...]}`` and no template is
needed. A loader that fails shows an error inside its card; the home page itself still renders.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shelfscope.auth.principal import Principal, Role
from shelfscope.errors import ShelfscopeError
from shelfscope.logs import get_logger
from shelfscope.platform import Platform

__all__ = [
    "CardLoader",
    "HomeCard",
    "RenderedCard",
    "Stat",
    "home_cards",
    "load_home_cards",
    "register_home_card",
    "unregister_home_card",
]

log = get_logger(__name__)

CardLoader = Callable[[Session, Principal, Platform], dict[str, Any]]
DEFAULT_TEMPLATE = "cards/stats.html"

_lock = threading.Lock()
_cards: dict[str, HomeCard] = {}


@dataclass(frozen=True, slots=True)
class Stat:
    """One figure of a stats card; ``tone`` is a status colour (succeeded, failed, running…) or empty."""

    label: str
    value: int | str
    url: str | None = None
    tone: str = ""


@dataclass(frozen=True, slots=True)
class HomeCard:
    key: str
    title: str
    load: CardLoader
    template: str = DEFAULT_TEMPLATE
    order: int = 100
    url: str | None = None
    icon: str = "grid"
    min_role: Role = Role.VIEWER


@dataclass(slots=True)
class RenderedCard:
    """A card ready for the template: its definition plus the loaded context or the error it hit."""

    card: HomeCard
    context: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def register_home_card(
    *,
    key: str,
    title: str,
    load: CardLoader,
    template: str = DEFAULT_TEMPLATE,
    order: int = 100,
    url: str | None = None,
    icon: str = "grid",
    min_role: Role = Role.VIEWER,
) -> HomeCard:
    """Add (or replace, by ``key``) a card on the overview page."""
    card = HomeCard(
        key=key, title=title, load=load, template=template, order=order, url=url, icon=icon, min_role=min_role
    )
    with _lock:
        _cards[key] = card
    return card


def unregister_home_card(key: str) -> None:
    with _lock:
        _cards.pop(key, None)


def home_cards(*, role: Role) -> list[HomeCard]:
    with _lock:
        cards = [card for card in _cards.values() if role.allows(card.min_role)]
    return sorted(cards, key=lambda card: (card.order, card.title))


def load_home_cards(session: Session, *, principal: Principal, platform: Platform) -> list[RenderedCard]:
    """Every visible card with its context; a failing loader is contained in its own card."""
    rendered = []
    for card in home_cards(role=principal.role):
        try:
            rendered.append(RenderedCard(card=card, context=card.load(session, principal, platform)))
        except ShelfscopeError as exc:
            rendered.append(RenderedCard(card=card, error=exc.message))
        except Exception:
            log.exception("home_card_failed", card=card.key)
            rendered.append(
                RenderedCard(card=card, error="this card could not be loaded; see the server log")
            )
    return rendered
