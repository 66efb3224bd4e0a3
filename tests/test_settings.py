"""Safe production defaults: no secrets, no start; no debug, no demo login."""

import os
import subprocess
import sys


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VITRINA_")}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import vitrina.settings as s; print(s.DEBUG, s.DEMO_MODE, s.ALLOWED_HOSTS)",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings(VITRINA_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "VITRINA_SECRET_KEY is not set" in result.stderr


def test_refuses_to_start_without_a_token_key(tmp_path):
    result = run_settings(VITRINA_SECRET_KEY="x" * 50, VITRINA_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "VITRINA_TOKEN_KEY is not set" in result.stderr


def test_production_defaults_are_safe(tmp_path):
    from cryptography.fernet import Fernet

    result = run_settings(
        VITRINA_SECRET_KEY="x" * 50,
        VITRINA_TOKEN_KEY=Fernet.generate_key().decode(),
        VITRINA_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False []"


def test_demo_mode_generates_and_keeps_its_secrets(tmp_path):
    first = run_settings(VITRINA_DEMO="1", VITRINA_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "secret_key").exists() and (tmp_path / "token_key").exists()
    key = (tmp_path / "token_key").read_text()
    run_settings(VITRINA_DEMO="1", VITRINA_DATA_DIR=str(tmp_path))
    assert (tmp_path / "token_key").read_text() == key


def test_the_data_directory_and_the_database_are_private(tmp_path):
    from cryptography.fernet import Fernet

    data_dir = tmp_path / "var"
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'vitrina.settings'; "
        "django.setup(); from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE t (x)')"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VITRINA_")}
    clean.update(
        VITRINA_SECRET_KEY="x" * 50,
        VITRINA_TOKEN_KEY=Fernet.generate_key().decode(),
        VITRINA_DATA_DIR=str(data_dir),
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert oct(data_dir.stat().st_mode & 0o777) == "0o700"
    for path in data_dir.glob("vitrina.sqlite3*"):
        assert oct(path.stat().st_mode & 0o777) == "0o600", path.name
    assert (data_dir / "vitrina.sqlite3").exists()


def test_demo_secrets_are_private(tmp_path):
    result = run_settings(VITRINA_DEMO="1", VITRINA_DATA_DIR=str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    for name in ("secret_key", "token_key"):
        assert oct((tmp_path / "demo" / name).stat().st_mode & 0o777) == "0o600"
