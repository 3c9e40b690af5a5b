"""Fixtures of the records tests: a throw-away CA and agency certificate (records.devkeys, made with
`cryptography`), configured as the portal-wide PKCS#12 key, and a real RFC 3161 timestamp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from records.devkeys import make_dev_keys

PASSPHRASE = "p12-test-passphrase"


@pytest.fixture
def keys(tmp_path_factory):
    return make_dev_keys(tmp_path_factory.mktemp("keys"), agency_name="UBND phường Ba Đình", passphrase=PASSPHRASE)


@pytest.fixture
def signing(settings, keys, monkeypatch):
    """Every agency signs with the throw-away agency key; the verifier trusts the throw-away CA."""
    settings.RECORDS_PKCS12_PATH = str(keys.agency_p12)
    settings.RECORDS_PKCS12_PASSPHRASE_ENV = "TEST_RECORDS_P12_PASSPHRASE"
    settings.RECORDS_TRUST_ROOTS = [str(keys.ca_pem)]
    settings.RECORDS_TSA_URL = ""
    settings.SITE_URL = "http://testserver"
    monkeypatch.setenv("TEST_RECORDS_P12_PASSPHRASE", PASSPHRASE)
    return keys


class _TsaHandler(BaseHTTPRequestHandler):
    stamper = None

    def do_POST(self):  # noqa: N802 (http.server's naming)
        from asn1crypto import tsp

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = tsp.TimeStampReq.load(body)
        response = asyncio.run(self.stamper.async_request_tsa_response(request))
        payload = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def tsa_server(keys):
    """An RFC 3161 server over real HTTP, answering with pyHanko's reference TSA logic and the test TSA key."""
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps import DummyTimeStamper

    handler = type(
        "Handler",
        (_TsaHandler,),
        {
            "stamper": DummyTimeStamper(
                tsa_cert=load_cert_from_pemder(str(keys.tsa_cert_pem)),
                tsa_key=load_private_key_from_pemder(str(keys.tsa_key_pem), passphrase=None),
            )
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()
