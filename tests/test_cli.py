"""The command-line tool answers every misuse with one plain line, and its help and the
demo's tools work on a machine without a deployment's secrets."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VITRINA = shutil.which("vitrina", path=str(Path(sys.executable).parent))


def run(*args, tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VITRINA_") and k != "DJANGO_SETTINGS_MODULE"
    }
    clean.update(VITRINA_DATA_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [VITRINA, *args], env=clean, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


@pytest.mark.parametrize(
    ("args", "expected"), [(("--help",), "demo"), (("demo", "--help"), "--addr"), ((), "sandbox")]
)
def test_help_works_without_secrets(tmp_path, args, expected):
    result = run(*args, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert "Traceback" not in result.stderr


def test_a_command_that_needs_the_deployment_says_why_in_one_line(tmp_path):
    result = run("migrate", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "vitrina: VITRINA_SECRET_KEY is not set. Set it (50+ random characters), "
        "or set VITRINA_DEMO=1 to run the local demo."
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("nosuchcommand",), "vitrina: unknown command 'nosuchcommand'; `vitrina help` lists"),
        (("sandbox", "--port", "abc"), "vitrina: sandbox: argument --port: invalid int value"),
        (("token",), "vitrina: token: the following arguments are required: action"),
        (("token", "list", "--user", "x"), "vitrina: the database is not set up"),
    ],
)
def test_misuse_is_one_plain_line(tmp_path, args, line):
    result = run(*args, tmp_path=tmp_path, VITRINA_DEMO="1")
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert len(lines) == 1 and lines[0].startswith(line), result.stderr
