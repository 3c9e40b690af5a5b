"""A tiny HTTP server on 127.0.0.1 in a thread: the SMS gateway and the webhook receiver of the tests.

It answers each POST with the next scripted status (then the default), or with what `respond(request)` returns, and
records every request (path, headers, body) so a test can check what was sent and how often.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class LocalServer:
    def __init__(
        self,
        script=(),
        *,
        default: int = 200,
        body: dict | None = None,
        respond: Callable[[Request], tuple[int, dict]] | None = None,
        keep_alive: bool = False,
    ):
        self.script = list(script)
        self.default = default
        self.body = body or {}
        self.respond = respond
        self.requests: list[Request] = []
        self.connections = 0  # TCP connections accepted
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps the connection open between requests (every answer has a Content-Length).
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def setup(self):
                super().setup()
                with server._lock:
                    server.connections += 1

            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                status, payload = server._answer(request)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _answer(self, request: Request) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(request)
            if self.respond is not None:
                return self.respond(request)
            status = self.script.pop(0) if self.script else self.default
        return status, (self.body if 200 <= status < 300 else {"error": f"scripted {status}"})

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
