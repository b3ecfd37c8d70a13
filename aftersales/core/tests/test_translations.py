"""The Simplified Chinese translation is complete, compiled, and what Chinese users see.

The product's default language is zh-hans; the UI and API are written with English
msgids. This test keeps the committed catalogue complete (no untranslated or fuzzy
entry, placeholders kept), checks that the committed django.mo was compiled from the
committed django.po (a forgotten `compilemessages` fails here), and that pages and API
errors come out in Chinese when a Chinese browser or client asks for them.

To update the translation: README.md, "Translations".
"""

import array
import ast
import gettext
import io
import re
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.assets.services import update_unit
from aftersales.testing.factories import ServiceRequestFactory, UnitFactory

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
UPDATE = (
    "run `.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv "
    "--ignore=benchmarks --no-location -e html,txt,py`, translate, then "
    "`.venv/bin/python manage.py compilemessages --ignore=.venv` and commit both files"
)


# --- A tiny .po reader and msgfmt ------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"django.po line {self.line}: {context}{self.msgid!r}"


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")


def _string(literal: str) -> str:
    # A .po string is a C string literal; UTF-8 text with C escapes reads as a Python one.
    return ast.literal_eval(literal)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, target
        if entry is not None and (entry.msgstr or entry.msgid):
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if entry is not None and target is not None:
                finish()
            entry = entry or Entry(line=number)
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # a new entry without a blank line before it
            entry = entry or Entry(line=number)
            entry.obsolete = entry.obsolete or obsolete
            target = (keyword, int(index) if index is not None else None)
            value = _string(literal)
        elif line.startswith('"') and target is not None:
            value = _string(line)
        else:
            raise AssertionError(f"django.po line {number}: cannot read {raw!r}")
        keyword, index = target
        if keyword == "msgstr":
            key = index or 0
            entry.msgstr[key] = entry.msgstr.get(key, "") + value
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
    finish()
    return [entry for entry in entries if not entry.obsolete]


def msgfmt(entries: list[Entry]) -> bytes:
    """The .mo file GNU msgfmt makes from `entries` (Python's Tools/i18n/msgfmt.py logic).

    Fuzzy and untranslated entries are left out, as msgfmt does.
    """
    messages: dict[bytes, bytes] = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        strings = [entry.msgstr.get(i, "") for i in range(max(entry.msgstr, default=0) + 1)]
        if not all(strings):
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        messages[key.encode()] = "\0".join(strings).encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets, value_offsets = [], []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_offsets += [id_length, id_offset + key_start]
        value_offsets += [str_length, str_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return header + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs


def catalogue(mo: bytes) -> dict:
    """What gettext reads from a .mo file, without the header (it carries dates)."""
    messages = dict(gettext.GNUTranslations(io.BytesIO(mo))._catalog)
    messages.pop("", None)
    return messages


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.is_file(), f"{PO} is missing: {UPDATE}"
    return read_po(PO)


# --- The catalogue is complete ---------------------------------------------------------


def test_the_header_declares_simplified_chinese_with_one_plural_form(entries):
    header = entries[0]
    assert header.msgid == ""
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header.flags, "remove the '#, fuzzy' flag of the header"


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    messages = entries[1:]
    assert len(messages) > 400, "the catalogue looks truncated"
    untranslated = [
        e.label
        for e in messages
        if not e.msgstr or not all(e.msgstr.values()) or sorted(e.msgstr) != [0]
    ]
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(
            "Untranslated entries in django.po (zh-hans has one plural form: fill msgstr[0] "
            "only):\n  " + "\n  ".join(untranslated)
        )
    if fuzzy:
        problems.append(
            "Fuzzy entries in django.po (check the translation, then remove '#, fuzzy'):\n  "
            + "\n  ".join(fuzzy)
        )
    assert not problems, "\n".join(problems) + f"\nTo fix: {UPDATE}."


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext tools are not installed")
def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, settings):
    """A new {% translate %} or gettext() that nobody added to django.po shows English."""
    # given a copy of the catalogue that makemessages may rewrite
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(PO, copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    # when the messages are collected from the code again
    # ("locale" is ignored so that makemessages writes into the copy, not the real one)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=[".venv", "benchmarks", "locale", "*/tests/*"],
        extensions=["html", "txt", "py"],
        no_location=True,
        verbosity=0,
    )

    # then every message found is already in the committed catalogue
    committed = {(e.msgctxt, e.msgid) for e in read_po(PO)}
    missing = [
        e.label for e in read_po(copy / "django.po") if (e.msgctxt, e.msgid) not in committed
    ]
    assert not missing, (
        "Messages not yet in django.po:\n  " + "\n  ".join(missing) + (f"\nTo fix: {UPDATE}.")
    )


_PERCENT = re.compile(r"%(?:\(\w+\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{\w*\}")


def _placeholders(text: str, flags: set[str]) -> list[str]:
    """The %-placeholders (python-format) and {}-placeholders (python-brace-format)."""
    found = []
    if "python-format" in flags:
        found += sorted(p for p in _PERCENT.findall(text) if p != "%%")
    if "python-brace-format" in flags:
        found += sorted(_BRACES.findall(text))
    return found


def test_translations_keep_every_placeholder(entries):
    wrong = []
    for e in entries[1:]:
        expected = _placeholders(e.msgid_plural or e.msgid, e.flags)
        for text in e.msgstr.values():
            if _placeholders(text, e.flags) != expected:
                wrong.append(f"{e.label}: {text!r} should keep {expected}")
    assert not wrong, "Placeholders changed in translation:\n  " + "\n  ".join(wrong)


# --- The compiled catalogue is up to date ----------------------------------------------


def test_the_committed_mo_is_compiled_from_the_committed_po(entries):
    assert MO.is_file(), f"{MO} is missing: {UPDATE}"
    expected = catalogue(msgfmt(entries))
    committed = catalogue(MO.read_bytes())
    stale = sorted(
        repr(key)
        for key in expected.keys() | committed.keys()
        if expected.get(key) != committed.get(key)
    )
    assert not stale, (
        f"django.mo does not match django.po ({len(stale)} messages differ, e.g. "
        f"{', '.join(stale[:5])}). Run `.venv/bin/python manage.py compilemessages "
        "--ignore=.venv` and commit aftersales/locale/zh_Hans/LC_MESSAGES/django.mo."
    )


def test_the_compiled_catalogue_declares_one_plural_form():
    translation = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    assert translation.info()["plural-forms"] == "nplurals=1; plural=0;"
    assert {translation.plural(n) for n in (0, 1, 2, 5, 11)} == {0}
    assert catalogue(MO.read_bytes())[("%(counter)s request", 0)] == "共 %(counter)s 个工单"


def test_the_msgfmt_here_reads_back_like_gnu_msgfmt():
    """The mini msgfmt above handles context, plurals and escapes as gettext expects.

    (Catalogue keys rather than gettext() calls: makemessages would collect those.)
    """
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"
    sample = [
        Entry(line=1, msgid="", msgstr={0: header}),
        Entry(line=2, msgid='Say "hi"\n', msgstr={0: "说“你好”\n"}),
        Entry(line=3, msgid="Created", msgctxt="column", msgstr={0: "建档日期"}),
        Entry(line=4, msgid="%(n)s unit", msgid_plural="%(n)s units", msgstr={0: "%(n)s 台"}),
        Entry(line=5, msgid="Fuzzy", msgstr={0: "模糊"}, flags={"fuzzy"}),
        Entry(line=6, msgid="Empty", msgstr={0: ""}),
    ]
    assert catalogue(msgfmt(sample)) == {
        'Say "hi"\n': "说“你好”\n",
        "column\x04Created": "建档日期",
        ("%(n)s unit", 0): "%(n)s 台",
    }


# --- What Chinese users see ------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_for_a_chinese_browser(client):
    # a browser on a Chinese system sends zh-CN, which Django serves as zh-hans
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "售后服务管理系统" in html
    assert "登录" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_the_login_page_stays_english_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert "Log in" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_the_queue_is_in_chinese_when_chosen_with_the_language_cookie(client, agent):
    ServiceRequestFactory(subject="冰箱不制冷")
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(reverse("service:queue"), {"open": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    for words in ("工单", "来电登记", "客户", "设备", "优先级", "处理人", "待处理", "普通"):
        assert words in html, words
    for english in ("Log a call", "Service requests", "Priority", "Assignee"):
        assert english not in html, english


@pytest.mark.django_db
def test_a_request_page_shows_chinese_actions_and_field_labels(client, agent):
    ticket = ServiceRequestFactory(subject="冰箱不制冷")
    client.force_login(agent)

    response = client.get(
        reverse("service:detail", args=[ticket.number]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = response.content.decode()
    assert response.status_code == 200
    # the workflow's buttons, the tab that notes a call, and model-based form labels
    for words in ("受理", "派单", "取消工单", "动态", "记录通话", "上传附件", "可见范围"):
        assert words in html, words


@pytest.mark.django_db
def test_what_changed_on_a_unit_names_the_fields_in_chinese(client, agent):
    unit = UnitFactory(invoice_number="FP-001")
    update_unit(unit, actor=agent, invoice_number="FP-002")
    client.force_login(agent)

    response = client.get(reverse("assets:detail", args=[unit.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert "发票号: FP-001 → FP-002" in html
    assert "invoice_number" not in html


@pytest.mark.django_db
def test_the_profile_language_applies_without_a_browser_preference(client, agent):
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])
    client.force_login(agent)

    html = client.get(reverse("service:queue"), {"open": "true"}).content.decode()

    assert "来电登记" in html


@pytest.mark.django_db
def test_the_warranty_pages_are_in_chinese(client, manager):
    client.force_login(manager)

    response = client.get(reverse("warranty:policy_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert response.status_code == 200
    for words in ("保修与合同", "保修政策", "服务套餐", "供应商保修", "供应商索赔", "新建保修政策"):
        assert words in html, words
    for english in ("Warranty policies", "Service plans", "New policy"):
        assert english not in html, english


@pytest.mark.django_db
def test_the_api_explains_a_refused_transition_in_chinese(agent):
    ticket = ServiceRequestFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(agent)}")

    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/transition/",
        {"to": "closed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "处于“待处理”状态的工单不能变为“已关闭”" in body["detail"]
    assert "已受理" in body["detail"]
    assert body["errors"]["to"] == [body["detail"]]


@pytest.mark.django_db
def test_the_api_speaks_english_unless_asked(agent):
    ticket = ServiceRequestFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(agent)}")

    response = api.post(f"/api/v1/tickets/{ticket.pk}/transition/", {"to": "closed"}, format="json")

    assert "cannot become Closed" in response.json()["detail"]
