"""Where webhook requests may go: never to private, loopback, link-local, multicast or reserved addresses (an
integrator's URL must not become a way into our network). WEBHOOK_ALLOW_PRIVATE=True lifts this (tests, or an
intranet deployment that wants it). Used by the endpoint's validation (notifications.models) and by every request
(notifications.webhooks), which connects to the checked address itself.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from notifications.channels import PermanentFailure, TemporaryFailure, conf_bool


def _allow_private() -> bool:
    return conf_bool("WEBHOOK_ALLOW_PRIVATE", False)


def address_forbidden(address: str) -> bool:
    """True for every address that is not on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def url_problem(url: str, *, resolve: bool = True) -> str:
    """Why `url` may not receive webhooks ("" if it may). With resolve=False only what needs no DNS is checked (the
    admin form); the delivery always resolves."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"Địa chỉ không hợp lệ: {exc}"
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "Chỉ nhận địa chỉ http:// hoặc https:// có tên máy chủ."
    if parts.username or parts.password:
        return "Không đặt tên đăng nhập hay mật khẩu trong địa chỉ; dùng khóa ký."
    if _allow_private():
        return ""
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return "Không gửi đến địa chỉ mạng nội bộ." if address_forbidden(host) else ""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "Không gửi đến địa chỉ mạng nội bộ."
    if resolve:
        try:
            resolve_public(host, port or (443 if parts.scheme == "https" else 80))
        except PermanentFailure as exc:
            return str(exc)
        except TemporaryFailure:
            return ""  # DNS down now: not a reason to refuse the URL
    return ""


def resolve_public(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, if all are public (or private ones are allowed). PermanentFailure if any is
    not: one private answer is enough to refuse, since a resolver may return them in any order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TemporaryFailure(f"Cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise TemporaryFailure(f"{host} has no address.")
    if not _allow_private():
        forbidden = [address for address in addresses if address_forbidden(address)]
        if forbidden:
            raise PermanentFailure(f"Refused: {host} resolves to a non-public address ({', '.join(forbidden)}).")
    return addresses
