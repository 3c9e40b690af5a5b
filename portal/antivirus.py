"""Malware scanning of uploads through ClamAV's daemon (clamd), with its INSTREAM command over a socket.

Settings: CLAMAV_SOCKET (a Unix socket path) or CLAMAV_HOST (host:port, default port 3310); CLAMAV_TIMEOUT seconds.
With neither set there is no scanner (the embedded demo): uploads are accepted unscanned and /health/ says so.
With one set, a scanner that cannot be reached refuses the upload (fail closed) rather than letting a file through.

The protocol (clamd(8)): send `zINSTREAM\\0`, then chunks each prefixed by its length as a 4-byte big-endian
integer, then a zero length; the reply is `stream: OK`, `stream: <signature> FOUND` or `... ERROR`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def configured() -> bool:
    return bool(getattr(settings, "CLAMAV_SOCKET", "") or getattr(settings, "CLAMAV_HOST", ""))


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "CLAMAV_TIMEOUT", 30))
    path = getattr(settings, "CLAMAV_SOCKET", "")
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
            return sock
        host, _, port = (
            settings.CLAMAV_HOST.rpartition(":")
            if ":" in settings.CLAMAV_HOST
            else (
                settings.CLAMAV_HOST,
                "",
                "3310",
            )
        )
        return socket.create_connection((host, int(port or 3310)), timeout=timeout)
    except (OSError, ValueError) as exc:
        raise ScannerUnavailable(f"clamd unreachable: {type(exc).__name__}") from exc


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(stream) -> ScanResult:
    """Scan a file-like object from its start (it is rewound afterwards). Raises ScannerUnavailable."""
    stream.seek(0)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = _reply(sock)
    except OSError as exc:
        raise ScannerUnavailable(f"clamd failed: {type(exc).__name__}") from exc
    finally:
        stream.seek(0)
    if answer.endswith("OK"):
        return ScanResult(clean=True)
    if answer.endswith("FOUND"):
        return ScanResult(clean=False, signature=answer.split(":", 1)[-1].removesuffix("FOUND").strip())
    raise ScannerUnavailable(f"clamd answered: {answer[:200]}")


def ping() -> bool:
    with _connect() as sock:
        sock.sendall(b"zPING\0")
        return _reply(sock) == "PONG"
