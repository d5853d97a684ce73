"""Languages: English unprefixed, Russian and Kazakh under /ru/ and /kk/; switcher or browser."""

# ruff: noqa: RUF001 (Russian and Kazakh text)

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.web.conftest import RU_DAYS_LEFT

pytestmark = pytest.mark.django_db

DETAIL = "/bills/kz-lgbt-propaganda-ban/"


def test_russian_page_shows_russian_interface_and_content(client, kz_open):
    response = client.get("/ru" + DETAIL)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in body
    assert "Срок подписания" in body  # interface string from the catalogue
    assert "Голосования" in body
    assert "Единогласно" in body
    assert "Запрет «пропаганды ЛГБТ»" in body  # the bill's title as entered in Russian
    assert "Мажилис" in body  # the chamber's name in Russian
    assert "Мажилис единогласно принял законопроект." in body
    assert RU_DAYS_LEFT[kz_open.extra["days_left"]] in body  # Russian plural forms


def test_kazakh_page_falls_back_to_english_content_where_not_entered(client, kz_open):
    body = client.get("/kk" + DETAIL).content.decode()
    assert '<html lang="kk">' in body
    assert "Қол қою мерзімі" in body
    assert "Мәжіліс" in body  # entered in Kazakh
    assert "LGBT propaganda ban" in body  # no Kazakh title entered: English


def test_english_is_at_unprefixed_urls(client, kz_open):
    body = client.get(DETAIL).content.decode()
    assert '<html lang="en">' in body
    assert "Signing window" in body
    assert client.get("/en" + DETAIL).status_code == 404


def test_accept_language_sends_russian_browsers_to_russian_pages(client, kz_open):
    response = client.get("/bills/?status=enacted", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/bills/?status=enacted"
    assert "Accept-Language" in response["Vary"]
    # English browsers, and URLs outside the translated pages, stay where they are.
    assert client.get("/bills/", headers={"accept-language": "en-GB"}).status_code == 200
    assert client.get("/ping", headers={"accept-language": "ru"}).status_code == 200


def test_language_switcher_sets_the_language_and_keeps_the_page(client, kz_open):
    response = client.post(
        "/i18n/setlang/", {"language": "kk", "next": DETAIL + "?x=1"}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == "/kk" + DETAIL + "?x=1"
    # The cookie now sends unprefixed URLs to Kazakh...
    assert client.get("/bills/")["Location"] == "/kk/bills/"
    # ...until English is chosen again, even with a Russian browser.
    response = client.post("/i18n/setlang/", {"language": "en", "next": DETAIL})
    assert response["Location"] == DETAIL
    response = client.get(DETAIL, headers={"accept-language": "ru"})
    assert response.status_code == 200


def test_switcher_posts_the_unprefixed_path(client, kz_open):
    body = client.get("/ru/bills/?status=introduced").content.decode()
    assert 'name="next" value="/bills/?status=introduced"' in body
    for code, name in (("en", "English"), ("ru", "Русский"), ("kk", "Қазақ")):
        assert f'name="language" value="{code}" lang="{code}"' in body
        assert name in body


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalogues_are_complete_and_compiled(language):
    folder = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    # The committed .mo holds every translation of the .po (no stale compile).
    mo = polib.mofile(str(folder / "django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert (entry.msgid, entry.msgstr) in compiled, entry.msgid


def test_dates_follow_the_language(client, kz_open):
    assert "12 ноября 2025 г." in client.get("/ru" + DETAIL).content.decode()
    assert "12 Қараша 2025 ж." in client.get("/kk" + DETAIL).content.decode()
    assert "Nov. 12, 2025" in client.get(DETAIL).content.decode()


def test_date_filters_accept_iso_dates_in_every_language(client, kz_open):
    for prefix in ("", "/ru", "/kk"):
        body = client.get(prefix + "/bills/?introduced_after=2025-05-01").content.decode()
        assert 'role="alert"' not in body, prefix
        assert "kz-lgbt-propaganda-ban" in body, prefix
