"""A local fake payment gateway: a small real HTTP server speaking VNPay 2.1.0, for the demo and the tests.

It shows a payment page for a signed redirect, and when the payer chooses, sends the portal the signed
server-to-server notification (IPN) and redirects the browser back to the return URL. `querydr` and `refund` are
answered on the API path. Tests also drive it directly to send late, duplicated, forged or altered notifications.
Never for production: the portal refuses the "fake" provider when DEBUG is off.

    python manage.py fake_gateway            # the demo: http://127.0.0.1:8765, notifies SITE_URL
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from payments.providers.vnpay import QUERY_RESPONSE_FIELDS, sign, sign_fields, signing_data

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"


@dataclass
class Transaction:
    params: dict  # the portal's signed redirect
    status: str = "pending"  # pending, paid, cancelled
    transaction_no: str = ""
    pay_date: str = ""
    result: dict = field(default_factory=dict)  # the signed result sent back (IPN and return)
    refunded: int = 0


class FakeGateway:
    def __init__(self, *, secret: str, tmn_code: str, ipn_url: str, host: str = "127.0.0.1", port: int = 0):
        self.secret, self.tmn_code, self.ipn_url = secret, tmn_code, ipn_url
        self.transactions: dict[str, Transaction] = {}
        self.sent: list[tuple[dict, int, dict | str]] = []  # (params, HTTP status, answer) of every IPN sent
        self.lock = threading.Lock()
        gateway = self

        class Handler(_Handler):
            pass

        Handler.gateway = gateway
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGateway:
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-gateway", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the payer does on the page ----------------------------------------------------------------------

    def register(self, params: dict) -> Transaction | None:
        """A redirect from the portal: kept if its signature is ours and it is addressed to our merchant code."""
        given = params.get("vnp_SecureHash", "")
        if given.lower() != sign(params, self.secret) or params.get("vnp_TmnCode") != self.tmn_code:
            return None
        with self.lock:
            return self.transactions.setdefault(params["vnp_TxnRef"], Transaction(params=dict(params)))

    def complete(self, reference: str, *, success: bool = True, notify: bool = True) -> dict:
        """The payer pays (or cancels): fix the outcome, send the IPN unless told not to, return the result."""
        txn = self.transactions[reference]
        with self.lock:
            if txn.status == "pending":
                txn.status = "paid" if success else "cancelled"
                txn.transaction_no = str(secrets.randbelow(10**8)).zfill(8)
                txn.pay_date = datetime.now(VN).strftime("%Y%m%d%H%M%S")
                txn.result = self._result(txn)
        if notify:
            self.notify(reference)
        return txn.result

    def _result(self, txn: Transaction) -> dict:
        paid = txn.status == "paid"
        result = {
            "vnp_Amount": txn.params["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{txn.transaction_no}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": txn.params.get("vnp_OrderInfo", ""),
            "vnp_PayDate": txn.pay_date,
            "vnp_ResponseCode": "00" if paid else "24",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionStatus": "00" if paid else "02",
            "vnp_TxnRef": txn.params["vnp_TxnRef"],
        }
        result["vnp_SecureHash"] = sign(result, self.secret)
        return result

    # --- notifications, well-behaved or not ---------------------------------------------------------------------

    def notify(
        self,
        reference: str,
        *,
        delay: float = 0,
        changes: dict | None = None,
        resign: bool = True,
        secret: str | None = None,
        wait: bool = True,
    ) -> tuple[int, dict | str] | None:
        """Send the IPN for `reference` (again: duplicates are just repeated calls). `changes` alters fields: with
        `resign` they are signed with `secret` (default ours: a wrong amount signed properly), without it the old
        signature stays (a tampered message). `delay` seconds later, in the background unless `wait`."""
        params = dict(self.transactions[reference].result)
        if changes:
            params.update(changes)
            if resign:
                params["vnp_SecureHash"] = sign(params, secret or self.secret)
        if delay or not wait:
            threading.Thread(target=self._send, args=(params, delay), daemon=True).start()
            return None
        return self._send(params, 0)

    def forge(self, reference: str, **changes) -> tuple[int, dict | str]:
        """A "success" for `reference` signed with a secret that is not the merchant's."""
        txn = self.transactions[reference]
        params = txn.result or {**self._result(Transaction(params=txn.params, status="paid", transaction_no="1"))}
        params = {**params, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", **changes}
        params["vnp_SecureHash"] = sign(params, "not-the-secret")
        return self._send(params, 0)

    def _send(self, params: dict, delay: float) -> tuple[int, dict | str]:
        if delay:
            time.sleep(delay)
        url = f"{self.ipn_url}?{signing_data(params)}&vnp_SecureHash={params.get('vnp_SecureHash', '')}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the configured portal)
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode()
        except OSError as exc:
            status, body = 0, str(exc)
        try:
            answer: dict | str = json.loads(body)
        except ValueError:
            answer = body
        with self.lock:
            self.sent.append((params, status, answer))
        return status, answer

    # --- the merchant API (querydr, refund) --------------------------------------------------------------------

    def api(self, body: dict) -> dict:
        command = body.get("vnp_Command")
        txn = self.transactions.get(str(body.get("vnp_TxnRef", "")))
        answer = {
            "vnp_ResponseId": secrets.token_hex(8),
            "vnp_Command": command,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
            "vnp_ResponseCode": "00",
            "vnp_Message": "OK",
        }
        if body.get("vnp_TmnCode") != self.tmn_code:
            answer["vnp_ResponseCode"] = "02"
        elif txn is None:
            answer["vnp_ResponseCode"] = "91"
        elif command == "querydr":
            status = {"pending": "01", "paid": "00", "cancelled": "02"}[txn.status]
            answer.update(
                {
                    "vnp_Amount": txn.params["vnp_Amount"],
                    "vnp_BankCode": "NCB",
                    "vnp_PayDate": txn.pay_date,
                    "vnp_TransactionNo": txn.transaction_no,
                    "vnp_TransactionType": "01",
                    "vnp_TransactionStatus": status,
                    "vnp_OrderInfo": txn.params.get("vnp_OrderInfo", ""),
                    "vnp_PromotionCode": "",
                    "vnp_PromotionAmount": "",
                }
            )
        elif command == "refund":
            amount = int(body.get("vnp_Amount", 0)) // 100
            if txn.status != "paid" or amount <= 0 or txn.refunded + amount > int(txn.params["vnp_Amount"]) // 100:
                answer["vnp_ResponseCode"] = "94"
            else:
                txn.refunded += amount
                answer["vnp_TransactionNo"] = txn.transaction_no
        answer["vnp_SecureHash"] = sign_fields([str(answer.get(k, "")) for k in QUERY_RESPONSE_FIELDS], self.secret)
        return answer


class _Handler(BaseHTTPRequestHandler):
    gateway: FakeGateway

    def log_message(self, format, *args):  # quiet in tests
        pass

    def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8", headers=()) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != PAY_PATH:
            return self._send(404, "not found", "text/plain")
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        txn = self.gateway.register(params)
        if txn is None:
            return self._send(400, "<h1>Sai chữ ký hoặc mã đơn vị (invalid signature)</h1>")
        amount = f"{int(params['vnp_Amount']) // 100:,}".replace(",", ".")
        ref = html.escape(params["vnp_TxnRef"])
        page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thanh toán thử nghiệm</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto}}
button{{font-size:1rem;padding:.6rem 1.2rem}}</style>
</head><body><h1>Cổng thanh toán thử nghiệm</h1><p>Không có tiền thật nào được chuyển.</p>
<dl><dt>Mã giao dịch</dt><dd data-testid="reference">{ref}</dd><dt>Số tiền</dt>
<dd data-testid="amount">{amount} đồng</dd><dt>Nội dung</dt><dd>{html.escape(params.get("vnp_OrderInfo", ""))}</dd></dl>
<form method="post" action="/pay"><input type="hidden" name="ref" value="{ref}">
<button name="outcome" value="success">Thanh toán</button> <button name="outcome" value="cancel">Huỷ giao dịch</button>
</form></body></html>"""
        return self._send(200, page)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 65536)).decode()
        path = urlsplit(self.path).path
        if path == API_PATH:
            try:
                body = json.loads(raw or "{}")
            except ValueError:
                return self._send(400, "{}", "application/json")
            return self._send(200, json.dumps(self.gateway.api(body)), "application/json")
        if path != "/pay":
            return self._send(404, "not found", "text/plain")
        form = dict(parse_qsl(raw))
        reference = form.get("ref", "")
        if reference not in self.gateway.transactions:
            return self._send(404, "unknown transaction", "text/plain")
        result = self.gateway.complete(reference, success=form.get("outcome") == "success")
        back = self.gateway.transactions[reference].params["vnp_ReturnUrl"]
        location = f"{back}?{urlencode(result)}"
        return self._send(302, "", headers=[("Location", location)])
