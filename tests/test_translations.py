"""The Russian catalogue is complete and compiled: Russian is the default language."""

from pathlib import Path

import polib

import vitrina

LOCALE = Path(vitrina.__file__).parent / "locale" / "ru" / "LC_MESSAGES"


def test_every_string_has_a_russian_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for entry in polib.pofile(str(LOCALE / "django.po")):
        if entry.msgstr:
            assert sorted(placeholder.findall(entry.msgid)) == sorted(
                placeholder.findall(entry.msgstr)
            ), entry.msgid


def _translation(entry):
    # Plural entries keep one translation per plural form instead of a single msgstr.
    if entry.msgid_plural:
        return tuple(value for _form, value in sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def test_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): _translation(e)
        for e in polib.pofile(str(LOCALE / "django.po"))
        if e.msgstr or e.msgid_plural
    }
    compiled = {
        (e.msgctxt, e.msgid): _translation(e)
        for e in polib.mofile(str(LOCALE / "django.mo"))
        if e.msgid
    }
    assert compiled == source, "run `make messages` to compile django.mo"


def test_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extracting the strings anew finds nothing the catalogue lacks (or no longer needs)."""
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("xgettext") is None:
        pytest.skip("gettext tools are not installed (apt-get install gettext)")
    package = Path(vitrina.__file__).parent
    copy = tmp_path / "vitrina"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "--no-obsolete",
            "--settings=tests.settings",
            f"--pythonpath={root}",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/ru/LC_MESSAGES/django.po"))
    }
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALE / "django.po"))}
    assert fresh == committed, {
        "missing": sorted(fresh - committed)[:10],
        "stale": sorted(committed - fresh)[:10],
    }
