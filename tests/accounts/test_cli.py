"""python -m services.cli user add."""
import io
import subprocess
import sys

import pytest
from sqlalchemy import select

from services.accounts.models import User
from services.cli import main


@pytest.fixture
def env(monkeypatch, configs):
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", configs["accounts"].database_url)


def add(monkeypatch, password, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    main(["user", "add", *args, "--password-stdin"])


def test_adds_a_staff_member_who_can_sign_in(env, monkeypatch, capsys, client, acc):
    add(monkeypatch, "a long password", "--role", "staff", "--union", "u-sip", "--username", "li",
        "--display-name", "李明")
    user_id = capsys.readouterr().out.strip()
    with acc.db.transaction() as session:
        user = session.scalar(select(User).where(User.username == "li"))
    assert (user.id, user.role, user.union_id, user.display_name) == (user_id, "staff", "u-sip", "李明")
    assert user.password_hash.startswith("$argon2id$")
    resp = client.post("/accounts/sessions/password", {"username": "li", "password": "a long password"})
    assert resp.status_code == 200


@pytest.mark.parametrize("args, password, message", [
    (["--role", "staff", "--username", "li"], "a long password", "union_id"),
    (["--role", "admin", "--username", "li"], "short", "password"),
    (["--role", "admin", "--username", "l i"], "a long password", "username"),
])
def test_refuses_what_the_api_refuses(env, monkeypatch, acc, args, password, message):
    with pytest.raises(SystemExit) as info:
        add(monkeypatch, password, *args)
    assert message in str(info.value)


def test_duplicate_username(env, monkeypatch, acc):
    add(monkeypatch, "a long password", "--role", "admin", "--username", "boss")
    with pytest.raises(SystemExit) as info:
        add(monkeypatch, "a long password", "--role", "admin", "--username", "BOSS")
    assert "taken" in str(info.value)


def test_prompts_twice_for_the_password(env, monkeypatch, acc):
    answers = iter(["first password", "second password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(SystemExit) as info:
        main(["user", "add", "--role", "admin", "--username", "boss"])
    assert "differ" in str(info.value)


def test_runs_as_a_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "services.cli", "user", "add", "--role", "admin", "--username", "root",
                           "--password-stdin"], input="a long password\n", capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usr_") and (tmp_path / "accounts.db").exists()
