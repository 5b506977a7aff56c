"""The Chinese translations ship complete and compiled.

Only the standard library reads the catalogues here: CI has no polib and may have no msgfmt,
which is why the compiled .mo files are committed next to the .po files.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from reservoir.workspace.templatetags.workspace import (
    channel_label,
    gender_label,
    language_label,
)

LOCALES = ["zh_Hans", "zh_Hant"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|\{\w*\}")


def _locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def _po_entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file as {"msgctxt", "msgid", "msgid_plural", "msgstr[0]", …, "flags"}."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}: a continuation line without a keyword: {line}"
            entry[key] += ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            entry[key] = ast.literal_eval(rest)
    return entries


def _translations(entry: dict[str, str]) -> list[str]:
    return [v for k, v in entry.items() if k == "msgstr" or k.startswith("msgstr[")]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_exists(locale):
    mo = _locale_dir() / locale / "LC_MESSAGES" / "django.mo"
    assert mo.is_file(), f"{mo} is missing: run manage.py compilemessages"
    with mo.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    assert catalogue.gettext("Customers") != "Customers"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_keeps_its_placeholders(locale):
    entries = _po_entries(_locale_dir() / locale / "LC_MESSAGES" / "django.po")
    messages = [e for e in entries if e.get("msgid")]
    assert len(messages) > 400

    untranslated = [e["msgid"] for e in messages if not all(_translations(e))]
    assert untranslated == []
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e.get("flags", "")]
    assert fuzzy == []
    for e in messages:
        expected = sorted(PLACEHOLDER.findall(e["msgid"]))
        for text in _translations(e):
            assert sorted(PLACEHOLDER.findall(text)) == expected, e["msgid"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_the_po_file(locale):
    """A .po edited without re-running compilemessages leaves a stale .mo behind."""
    folder = _locale_dir() / locale / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for e in _po_entries(folder / "django.po"):
        if not e.get("msgid") or "msgid_plural" in e:
            continue
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        assert catalogue.gettext(msgid) == e["msgstr"], e["msgid"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", {"Customers": "客户", "Timeline": "时间线", "Interactions": "互动"}),
        ("zh-hant", {"Customers": "客戶", "Timeline": "時間軸", "Interactions": "互動"}),
    ],
)
def test_known_strings_translate(language, expected):
    with translation.override(language):
        assert {k: translation.gettext(k) for k in expected} == expected
        assert translation.ngettext("across %(n)s channel", "across %(n)s channels", 3) % {
            "n": 3
        } == ("来自 3 个渠道" if language == "zh-hans" else "來自 3 個管道")


def test_traditional_is_not_simplified():
    with translation.override("zh-hans"):
        hans = translation.gettext("Contact points")
    with translation.override("zh-hant"):
        hant = translation.gettext("Contact points")
    assert (hans, hant) == ("联系方式", "聯絡方式")


def test_stored_codes_are_shown_in_the_current_language():
    with translation.override("zh-hans"):
        assert gender_label("female") == "女"
        assert language_label("zh-hant") == "繁体中文"
        assert channel_label("messaging") == "即时通讯"
        assert channel_label("carrier pigeon") == "carrier pigeon"
    with translation.override("en"):
        assert gender_label("female") == "Female"
        assert gender_label("prefers not to say") == "prefers not to say"
        assert language_label("xx-unknown") == "xx-unknown"
