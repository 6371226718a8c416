"""The SOCKS5 side of :class:`~shelfscope.sandbox.proxies.forward.ForwardProxy` (RFC 1928, RFC 1929).

Residential and mobile proxy providers hand out SOCKS5 endpoints as often as HTTP ones, and a
scraper meets different failures on them: the credentials are refused in a binary
sub-negotiation rather than with a 407, and with ``socks5h`` the proxy, not the client, resolves
the host name. This module speaks the server side on real sockets:

1. method selection: ``0x02`` username/password when the proxy has credentials (a client that
   does not offer it gets ``0xFF``, "no acceptable methods"), else ``0x00`` no authentication;
2. RFC 1929 sub-negotiation: a wrong user or password is answered ``0x01`` (failure) and the
   connection is closed, counted in ``auth_failures``;
3. the request: only ``CONNECT`` (``BIND`` and ``UDP ASSOCIATE`` get "command not supported"),
   to an IPv4, IPv6 or domain-name destination. The proxy's faults (dies after N, latency,
   failure rate) apply here, as for an HTTP request; then the upstream is dialled (the
   sandbox when the proxy has one) and bytes are relayed both ways.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shelfscope.sandbox.proxies.forward import ForwardProxy

__all__ = ["serve_socks5"]

_VERSION = 0x05
_AUTH_VERSION = 0x01
_NO_AUTH, _USER_PASS, _NO_METHOD = 0x00, 0x02, 0xFF
_CONNECT = 0x01
_IPV4, _DOMAIN, _IPV6 = 0x01, 0x03, 0x04
# Reply codes (RFC 1928 §6).
_SUCCEEDED, _GENERAL_FAILURE, _HOST_UNREACHABLE, _REFUSED = 0x00, 0x01, 0x04, 0x05
_COMMAND_NOT_SUPPORTED, _ADDRESS_NOT_SUPPORTED = 0x07, 0x08


async def serve_socks5(
    proxy: ForwardProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve one SOCKS5 connection for ``proxy``: handshake, faults, then a relayed tunnel."""
    if not await _negotiate(proxy, reader, writer):
        return
    destination = await _request(proxy, reader, writer)
    if destination is None or not await proxy.admit(writer):
        return
    upstream = await _dial(proxy, writer, *destination)
    if upstream is None:
        return
    up_reader, up_writer = upstream
    proxy.counters.tunnels += 1
    await _reply(proxy, writer, _SUCCEEDED, bound=up_writer.get_extra_info("sockname"))
    try:
        await asyncio.gather(
            proxy.relay(reader, up_writer, inbound=True), proxy.relay(up_reader, writer, inbound=False)
        )
    finally:
        up_writer.close()


async def _request(
    proxy: ForwardProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> tuple[str, int] | None:
    """The CONNECT destination, recorded; None (after an error reply) for anything else."""
    version, command, _reserved, address_type = await _read(proxy, reader, 4)
    if version != _VERSION:
        return None
    destination = await _destination(proxy, reader, address_type)
    if destination is None:
        await _reply(proxy, writer, _ADDRESS_NOT_SUPPORTED)
        return None
    if command != _CONNECT:
        await _reply(proxy, writer, _COMMAND_NOT_SUPPORTED)
        return None
    host, port = destination
    proxy.destinations.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return destination


async def _dial(
    proxy: ForwardProxy, writer: asyncio.StreamWriter, host: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    """Connect to the destination (the upstream when set); on failure reply why and return None."""
    try:
        return await asyncio.open_connection(*proxy.address(host, port))
    except socket.gaierror:
        code = _HOST_UNREACHABLE
    except ConnectionRefusedError:
        code = _REFUSED
    except OSError:
        code = _GENERAL_FAILURE
    await _reply(proxy, writer, code)
    return None


async def _negotiate(proxy: ForwardProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    """Method selection and, when the proxy has credentials, RFC 1929 authentication."""
    version, count = await _read(proxy, reader, 2)
    if version != _VERSION:
        return False
    methods = set(await _read(proxy, reader, count))
    wanted = _USER_PASS if proxy.behaviour.username is not None else _NO_AUTH
    if wanted not in methods:
        proxy.counters.auth_failures += wanted == _USER_PASS
        await proxy.send(writer, bytes([_VERSION, _NO_METHOD]))
        return False
    await proxy.send(writer, bytes([_VERSION, wanted]))
    if wanted == _NO_AUTH:
        return True
    (auth_version,) = await _read(proxy, reader, 1)
    if auth_version != _AUTH_VERSION:
        return False
    username = await _read(proxy, reader, (await _read(proxy, reader, 1))[0])
    password = await _read(proxy, reader, (await _read(proxy, reader, 1))[0])
    if not proxy.credentials_match(username.decode("utf-8", "replace"), password.decode("utf-8", "replace")):
        proxy.counters.auth_failures += 1
        await proxy.send(writer, bytes([_AUTH_VERSION, 0x01]))
        return False
    await proxy.send(writer, bytes([_AUTH_VERSION, 0x00]))
    return True


async def _destination(
    proxy: ForwardProxy, reader: asyncio.StreamReader, address_type: int
) -> tuple[str, int] | None:
    if address_type == _IPV4:
        host = str(ipaddress.IPv4Address(await _read(proxy, reader, 4)))
    elif address_type == _IPV6:
        host = str(ipaddress.IPv6Address(await _read(proxy, reader, 16)))
    elif address_type == _DOMAIN:
        length = (await _read(proxy, reader, 1))[0]
        host = (await _read(proxy, reader, length)).decode("utf-8", "replace")
    else:
        return None
    (port,) = struct.unpack("!H", await _read(proxy, reader, 2))
    return host, port


async def _read(proxy: ForwardProxy, reader: asyncio.StreamReader, size: int) -> bytes:
    data = await reader.readexactly(size)
    proxy.counters.bytes_in += size
    return data


async def _reply(
    proxy: ForwardProxy,
    writer: asyncio.StreamWriter,
    code: int,
    *,
    bound: tuple[str, int] | tuple[str, int, int, int] | None = None,
) -> None:
    """A request reply; BND.ADDR/BND.PORT is the upstream socket's local address when connected."""
    host, port = (bound[0], bound[1]) if bound else ("0.0.0.0", 0)  # noqa: S104 - an address, not a bind
    packed = ipaddress.ip_address(host)
    kind = _IPV4 if packed.version == 4 else _IPV6
    await proxy.send(writer, bytes([_VERSION, code, 0x00, kind]) + packed.packed + struct.pack("!H", port))
