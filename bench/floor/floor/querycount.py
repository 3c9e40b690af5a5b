"""Queries per request of the floor's two endpoints, the way bench/api_bench.py counts the portal's: Django's test
client inside one process. Prints JSON: {"create": n, "list": n}."""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

client = Client()
counts = {}
with CaptureQueriesContext(connection) as ctx:
    assert client.post("/items/", {"data": {"n": 1}}, content_type="application/json").status_code == 201
counts["create"] = len(ctx.captured_queries)
with CaptureQueriesContext(connection) as ctx:
    assert client.get("/items/").status_code == 200
counts["list"] = len(ctx.captured_queries)
print(json.dumps(counts))
