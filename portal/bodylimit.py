"""One cap on request bodies for the whole portal, at the WSGI level, before Django or any view reads a byte.

A request announcing more than MAX_REQUEST_BYTES (env, default 50 MB) in Content-Length is answered 413 from its
headers alone. A body without a length (chunked transfer) is read into a spooled temporary file up to the cap and
refused as soon as it passes it, so no view ever reads an unbounded stream. Per-requirement upload limits and
per-user quotas are smaller and apply later, in the services.
"""

from __future__ import annotations

import json
import tempfile

API_PREFIXES = ("/api/", "/_allauth/")
_CHUNK = 64 * 1024
_MESSAGE = "Nội dung yêu cầu quá lớn: tối đa %s MB."


class BodySizeLimit:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        raw_length = (environ.get("CONTENT_LENGTH") or "").strip()
        if raw_length:
            try:
                length = int(raw_length)
            except ValueError:
                return self._refuse(environ, start_response, 400, "Content-Length không hợp lệ.")
            if length > self.limit:
                return self._refuse(environ, start_response, 413)
            return self.app(environ, start_response)
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
            stream, total = environ["wsgi.input"], 0
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > self.limit:
                    spooled.close()
                    return self._refuse(environ, start_response, 413)
                spooled.write(chunk)
            spooled.seek(0)
            environ = {**environ, "wsgi.input": spooled, "CONTENT_LENGTH": str(total)}
        return self.app(environ, start_response)

    def _refuse(self, environ, start_response, status: int, message: str | None = None):
        message = message or _MESSAGE % (self.limit // (1024 * 1024))
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_allauth/"):
            body = {"status": status, "errors": [{"message": message, "code": "too_large"}]}
            payload, content_type = json.dumps(body, ensure_ascii=False), "application/json"
        elif path.startswith(API_PREFIXES):
            code = "too_large" if status == 413 else "invalid"
            payload, content_type = (
                json.dumps({"detail": message, "code": code}, ensure_ascii=False),
                "application/json",
            )
        else:
            payload, content_type = message, "text/plain; charset=utf-8"
        data = payload.encode()
        reason = "Request Entity Too Large" if status == 413 else "Bad Request"
        # Connection: close, since the unread body is still on the wire.
        headers = [("Content-Type", content_type), ("Content-Length", str(len(data))), ("Connection", "close")]
        start_response(f"{status} {reason}", headers)
        return [data]
