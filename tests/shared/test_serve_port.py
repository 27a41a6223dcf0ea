"""`serve` on a port in use: one line in Chinese and English, exit status 1, nothing announced, no traceback."""
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _serve(port: int, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(PORT=str(port), DATA_DIR=str(tmp_path), DEMO="0", PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "services.cli", "serve"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_port_in_use_is_said_in_one_line_and_exits_non_zero(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve(port, tmp_path)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"端口 {port} 已被占用 / port {port} is already in use: set PORT= to a free port "
                     f"(e.g. PORT={port + 1} make run)"], done.stderr
    assert "serving" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("*.db"))  # it stopped before migrating anything
