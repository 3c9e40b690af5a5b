"""The pure modules import without a configured Django and load no model: the workflow table, the deadline
arithmetic, the status and role sets and the dashboard's indicator arithmetic (the import-linter contract in
pyproject.toml says the same statically; this runs it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "procedures.enums",
    "procedures.events",
    "procedures.vocabulary",
    "procedures.workflow",
    "procedures.deadlines",
    "citizens.roles",
    "dashboard.indicators",
    "dashboard.ledger",
]
APPS = ("procedures", "citizens", "dashboard", "notifications", "workspace", "editor", "portal")


@pytest.mark.parametrize("module", PURE)
def test_imports_without_django_configured_and_loads_no_model(module):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    script = (
        "import importlib, json, sys; importlib.import_module(sys.argv[1]); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2:])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, module, *APPS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert module in loaded
    assert not [m for m in loaded if ".models" in m or m.endswith(("services", "selectors", "views"))], loaded


def test_the_named_sets_partition_the_states_as_documented():
    from procedures.enums import CLOCK_RUNNING, DONE, EDITABLE, FINAL, IN_PROGRESS, OPEN, STAFF_VISIBLE, WORK, Status

    assert CLOCK_RUNNING < IN_PROGRESS < OPEN < WORK < STAFF_VISIBLE
    assert not WORK & FINAL and WORK | FINAL == STAFF_VISIBLE
    assert DONE - FINAL == {Status.COMPLETED}
    assert EDITABLE == {Status.DRAFT, Status.SUPPLEMENT_REQUESTED}
