"""Test helpers shared across suites: platforms, apps and a cuttable TCP link."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime

from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db.registry import load_all_models
from shelfscope.platform import Platform
from shelfscope.settings import Settings


@contextmanager
def platform_for(settings: Settings, *, create_schema: bool = True) -> Iterator[Platform]:
    """A platform on ``settings`` with the schema created; closed afterwards."""
    platform = Platform.from_settings(settings)
    try:
        if create_schema:
            load_all_models().create_all(platform.db.engine)
        yield platform
    finally:
        platform.close()


class TcpLink:
    """A loopback TCP forwarder that can be cut and restored, to simulate an outage of a service."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self._up.clear()
        with self._lock:
            for conn in self._conns:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self.cut()
        self._listener.close()


@contextmanager
def postgres_behind_link(settings: Settings, server_url: str) -> Iterator[tuple[Settings, TcpLink]]:
    """Distributed-mode settings whose PostgreSQL connections go through a cuttable :class:`TcpLink`."""
    from cryptography.fernet import Fernet
    from pydantic import SecretStr
    from sqlalchemy.engine import make_url

    from shelfscope.settings import VaultSettings

    url = make_url(server_url)
    link = TcpLink(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    vault = VaultSettings(keys=[SecretStr(Fernet.generate_key().decode())])
    try:
        yield settings.model_copy(update={"database_url": proxied, "vault": vault}), link
    finally:
        link.close()


@dataclass(frozen=True)
class ApiTenant:
    """A workspace with its owner, and API-key headers of a member and a viewer of it."""

    workspace_id: int
    user_id: int
    member: dict[str, str]
    viewer: dict[str, str]


def api_tenant(platform: Platform, name: str, *, now: datetime | None = None) -> ApiTenant:
    """Create workspace ``name`` owned by ``owner@<name>.example``, with member and viewer keys."""
    with platform.db.session() as session:
        owner = create_user(session, email=f"owner@{name.lower()}.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name=name)
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        at = now or platform.clock.now()
        _, member_key = create_api_key(session, principal=principal, name="member", role=Role.MEMBER, now=at)
        _, viewer_key = create_api_key(session, principal=principal, name="viewer", role=Role.VIEWER, now=at)
        return ApiTenant(
            workspace_id=workspace.id,
            user_id=owner.id,
            member={"Authorization": f"Bearer {member_key}"},
            viewer={"Authorization": f"Bearer {viewer_key}"},
        )
