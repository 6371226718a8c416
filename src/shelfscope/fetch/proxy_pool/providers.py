"""Proxy providers and their username syntax for country targeting and sticky sessions.

Residential providers take their options in the proxy *username*: the same gateway host and
password, and a username that names the exit country and a session id (the same id keeps the
same exit IP for a while). Each provider spells it differently:

* Bright Data: ``brd-customer-<id>-zone-<zone>`` + ``-country-us`` + ``-session-<sid>``
  (the base username from the zone already holds customer and zone);
* Smartproxy/Decodo: ``user-<name>`` + ``-country-us`` + ``-session-<sid>-sessionduration-<min>``
  (1 to 1440 minutes);
* Oxylabs: ``customer-<name>`` + ``-cc-US`` + ``-sessid-<sid>-sesstime-<min>`` (at most 30 minutes).

``custom`` proxies (any ``http(s)``/``socks5`` URL) are used as given: no targeting in the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from shelfscope.errors import InvalidInput

__all__ = ["Provider", "ProviderSpec", "provider_spec", "provider_username"]

_SESSION_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


class Provider(StrEnum):
    BRIGHT_DATA = "bright_data"
    SMARTPROXY = "smartproxy"
    OXYLABS = "oxylabs"
    CUSTOM = "custom"


@dataclass(frozen=True, kw_only=True)
class ProviderSpec:
    """How one provider is reached by default and how long a sticky session may last."""

    provider: Provider
    default_host: str | None
    default_port: int | None
    username_prefix: str
    max_session_minutes: int


_SPECS = {
    Provider.BRIGHT_DATA: ProviderSpec(
        provider=Provider.BRIGHT_DATA,
        default_host="brd.superproxy.io",
        default_port=33335,
        username_prefix="brd-customer-",
        max_session_minutes=1440,
    ),
    Provider.SMARTPROXY: ProviderSpec(
        provider=Provider.SMARTPROXY,
        default_host="gate.decodo.com",
        default_port=7000,
        username_prefix="user-",
        max_session_minutes=1440,
    ),
    Provider.OXYLABS: ProviderSpec(
        provider=Provider.OXYLABS,
        default_host="pr.oxylabs.io",
        default_port=7777,
        username_prefix="customer-",
        max_session_minutes=30,
    ),
    Provider.CUSTOM: ProviderSpec(
        provider=Provider.CUSTOM,
        default_host=None,
        default_port=None,
        username_prefix="",
        max_session_minutes=0,
    ),
}


def provider_spec(provider: Provider | str) -> ProviderSpec:
    return _SPECS[Provider(provider)]


def _base(spec: ProviderSpec, username: str) -> str:
    """The account part of ``username``, with the provider prefix added when the user left it out."""
    if not username:
        raise InvalidInput(f"a {spec.provider} proxy needs a username", field="username")
    return username if username.startswith(spec.username_prefix) else spec.username_prefix + username


def provider_username(
    provider: Provider | str,
    username: str,
    *,
    country: str | None = None,
    session_id: str | None = None,
    session_minutes: int = 10,
) -> str:
    """The username that asks ``provider`` for an exit in ``country`` kept for ``session_id``."""
    spec = provider_spec(provider)
    if spec.provider is Provider.CUSTOM:
        return username
    if session_id is not None and not _SESSION_ID.match(session_id):
        raise InvalidInput("a proxy session id is 1-32 letters and digits", field="session_id")
    minutes = max(1, min(session_minutes, spec.max_session_minutes))
    parts = [_base(spec, username)]
    if spec.provider is Provider.BRIGHT_DATA:
        if country:
            parts.append(f"country-{country.lower()}")
        if session_id:
            parts.append(f"session-{session_id}")
    elif spec.provider is Provider.SMARTPROXY:
        if country:
            parts.append(f"country-{country.lower()}")
        if session_id:
            parts.append(f"session-{session_id}-sessionduration-{minutes}")
    else:  # Oxylabs
        if country:
            parts.append(f"cc-{country.upper()}")
        if session_id:
            parts.append(f"sessid-{session_id}-sesstime-{minutes}")
    return "-".join(parts)
