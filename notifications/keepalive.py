"""HTTP/1.1 connections kept open across the requests of a delivery batch (the SMS gateway, webhook receivers): one
TCP (and TLS) handshake per batch and host instead of one per message.

A connection goes back to the pool only when its answer was read to the end and the server did not ask to close it;
before reuse it is checked for a close the server sent while it was idle (a readable idle socket means EOF), so a
stale connection is replaced rather than failing a request. Requests are never retried here: a failure is the
caller's temporary failure, retried by the outbox with backoff.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
from urllib.parse import urlsplit


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand while speaking HTTP to the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _new_connection(https: bool, host: str, port: int, address: str | None, timeout: float):
    if address is not None:
        return (_PinnedHTTPSConnection if https else _PinnedHTTPConnection)(host, port, address, timeout)
    if https:
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _dropped(connection: http.client.HTTPConnection) -> bool:
    sock = connection.sock
    if sock is None:
        return False  # not connected yet: http.client connects on the next request
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class KeepAlive:
    """A small pool: at most one idle connection per (scheme, host, port, pinned address). Not thread-safe; one per
    batch (or per channel instance), closed with `close()`."""

    def __init__(self, *, max_body: int = 65536) -> None:
        self.max_body = max_body
        self._idle: dict[tuple, http.client.HTTPConnection] = {}
        self.opened = 0  # connections made, for tests and figures

    def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout: float, address: str | None = None
    ) -> tuple[int, bytes]:
        """POST and return (status, body read up to max_body). OSError / http.client.HTTPException on network
        trouble; ValueError for a URL that is not http(s)."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"Not an http(s) URL: {url!r}")
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        key = (parts.scheme, parts.hostname, port, address)
        connection = self._idle.pop(key, None)
        if connection is not None and _dropped(connection):
            connection.close()
            connection = None
        if connection is None:
            connection = _new_connection(https, parts.hostname, port, address, timeout)
            self.opened += 1
        else:
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read(self.max_body)
            reusable = response.isclosed() and not response.will_close
        except BaseException:
            connection.close()
            raise
        if reusable:
            self._idle[key] = connection
        else:
            connection.close()
        return response.status, data

    def close(self) -> None:
        for connection in self._idle.values():
            connection.close()
        self._idle.clear()
