"""Which URLs a webhook may call: public http(s) addresses only, unless private targets are allowed.

A webhook URL is typed by a workspace member and then called by our server, so without a guard
it is a way to reach what only the server can reach (the cloud metadata service at
169.254.169.254, a database on localhost, the office network). The host is resolved and every
address it resolves to must be public; the check runs when a channel is saved and again right
before each delivery, because DNS answers change. Redirects are never followed by the sender.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from shelfscope.errors import InvalidInput

__all__ = ["Resolver", "check_webhook_url", "is_public_address", "system_resolver"]

Resolver = Callable[[str, int], list[str]]
"""(host, port) -> the IP addresses it resolves to."""

MAX_URL = 2000


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``; none when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses (not loopback, private, link-local, reserved)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_webhook_url(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> str:
    """``url`` trimmed, or :class:`InvalidInput` saying why it may not be called."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise InvalidInput(f"a webhook URL needs 1 to {MAX_URL} characters", field="url")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise InvalidInput("a webhook URL cannot contain spaces or control characters", field="url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise InvalidInput(f"the webhook URL cannot be read: {exc}", field="url") from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise InvalidInput("a webhook URL must be an http:// or https:// URL with a host", field="url")
    if parts.username or parts.password:
        raise InvalidInput("put credentials in a signing secret, not in the webhook URL", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise InvalidInput(f"the webhook URL has an invalid port: {exc}", field="url") from exc
    if allow_private:
        return url
    addresses = resolver(host, port)
    if not addresses:
        raise InvalidInput(f"the webhook host {host!r} does not resolve", field="url")
    private = [address for address in addresses if not is_public_address(address)]
    if private:
        raise InvalidInput(
            f"the webhook host {host!r} resolves to a non-public address ({private[0]}); "
            "only public addresses can be called",
            field="url",
        )
    return url
