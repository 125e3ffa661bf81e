"""Bot instances as separate processes (`python -m bot` in webhook mode), as they run in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .fake_bot_api import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_instance(api, kb_dir: Path, data_dir: Path, port: int, webhook_url: str, **env_extra: str
                   ) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, KNOWLEDGE_DIR=str(kb_dir),
               DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), LOG_LEVEL="INFO", WEBHOOK_URL=webhook_url,
               WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), HASH_SALT="instances-salt",
               RELOAD_CHECK_SECONDS="0.5")
    env.update(env_extra)
    log = open(data_dir.parent / f"instance-{port}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=data_dir.parent, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> dict:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the instance on port {port} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the instance on port {port} did not become healthy")


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> int:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM, as a deploy or an orchestrator does
    return proc.wait(timeout)
