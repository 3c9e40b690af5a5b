"""A real clamd for the antivirus tests: the one CI started (CLAMAV_SOCKET), or one started here with the same
script and its EICAR-only signature database when clamd is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory) -> str:
    if os.environ.get("CLAMAV_SOCKET"):
        yield os.environ["CLAMAV_SOCKET"]
        return
    if shutil.which("clamd") is None:
        pytest.skip("needs clamd (Debian clamav-daemon; .ci/run installs and starts it)")
    directory = tmp_path_factory.mktemp("clamd")
    output = subprocess.run(
        [str(ROOT / ".ci" / "clamd.sh"), str(directory)], capture_output=True, text=True, check=True
    )
    yield output.stdout.strip()
    pid_file = directory / "clamd.pid"
    if pid_file.exists():
        subprocess.run(["kill", pid_file.read_text().strip()], check=False)
