"""The UI speaks Vietnamese: the vi catalogue covers every source string and its
compiled .mo is the one committed."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(po):
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def test_every_string_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_committed_mo_matches_the_po():
    po = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert (
                catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
                == (entry.msgstr_plural[0])
            ), entry.msgid
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert catalogue._catalog.get(key) == entry.msgstr, entry.msgid


def test_the_catalogue_holds_every_source_string(tmp_path):
    """makemessages on a copy of the code finds nothing the catalogue lacks."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            ".cache",
            "test-artifacts",
            "media",
            "staticfiles",
            "*.sqlite3",
            "__pycache__",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--settings=dluan.settings_test",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = _entries(polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po")))
    committed = _entries(polib.pofile(str(PO)))
    assert sorted(fresh - committed) == []


def test_pages_are_vietnamese_by_default_and_english_on_request(client, db):
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()
    with translation.override("vi"):
        assert translation.gettext("Log in") != "Log in"
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/login/"}
    )
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "en"
