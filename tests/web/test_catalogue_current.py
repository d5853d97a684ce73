"""Every translatable string in the code and templates is in the Russian and Kazakh catalogues.

Extracted the way makemessages does (Django's templatize for templates, gettext calls for
Python) but without GNU gettext, which CI does not install: a new string without a translation
fails here instead of showing up in English on a Russian page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from web.jinja import template_messages

ROOT = Path(settings.BASE_DIR)
SOURCES = ("bills", "events", "tracker", "web")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "npgettext"}
CALL = re.compile(r"\b(n?p?gettext)\(")


def _template_messages(path: Path) -> set:
    """(msgid, msgid_plural or None) pairs from one template."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for match in CALL.finditer(text):
        start = match.start()
        end = text.find(")", match.end())
        while end != -1:
            try:
                node = ast.parse(text[start : end + 1], mode="eval").body
            except SyntaxError:
                end = text.find(")", end + 1)
                continue
            values = [a.value for a in node.args if isinstance(a, ast.Constant)]
            found.add(_pair(match.group(1), values))
            break
    return found


def _pair(name: str, args: list) -> tuple:
    if name.startswith("p"):
        args = args[1:]
    if name.startswith(("n", "pn", "np")) or "ngettext" in name:
        return (args[0], args[1])
    return (args[0], None)


def _python_messages(path: Path) -> set:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT or not node.args:
            continue
        values = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if not values or not isinstance(values[0], str):
            continue
        found.add(_pair(name, values))
    return found


def _all_messages() -> set:
    messages = set()
    for template in (ROOT / "templates").rglob("*"):
        if template.suffix in (".html", ".txt"):
            messages |= _template_messages(template)
    # The public pages' Jinja2 templates, read as web.management.commands.makemessages does.
    for template in (ROOT / "web" / "jinja2").rglob("*"):
        if template.suffix in (".html", ".txt", ".svg"):
            for _line, message in template_messages(template.read_text(encoding="utf-8")):
                messages.add(message if isinstance(message, tuple) else (message, None))
    for folder in SOURCES:
        for module in (ROOT / folder).rglob("*.py"):
            if "migrations" not in module.parts:
                messages |= _python_messages(module)
    return messages


def test_extraction_finds_the_strings():
    messages = _all_messages()
    assert ("Signing window", None) in messages  # a Jinja2 template
    assert ("%(counter)s bill", "%(counter)s bills") in messages  # a {% trans %} with a plural
    assert ("%(bill_title)s: the signing deadline has passed", None) in messages  # an e-mail
    assert ("%(n)d day left", "%(n)d days left") in messages  # ngettext in Python
    assert ("awaiting signature", None) in messages  # a model's choices
    assert len(messages) > 200


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_string_is_translated(language):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    translated = {(e.msgid, e.msgid_plural or None) for e in po.translated_entries()}
    missing = sorted(_all_messages() - translated, key=str)
    assert missing == [], f"{len(missing)} strings without a {language} translation: {missing}"
