"""Walk every admin page in kk and ru with Django's test client and list the strings that
went through gettext untranslated (English left on the page), and the translations that came
from Django's or a third party's catalog rather than ours (where the typos live).

A plain script, not collected by pytest:
    .venv/bin/python tests/browser/admin_i18n_walk.py [--email admin@example.kz] [--foreign]
It reads the development database (run `make demo-reset` first for demo data).
"""

import argparse
import os
import re
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")
os.environ.setdefault("STAFF_REQUIRE_2FA", "false")

import django

django.setup()

import polib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.translation import trans_real  # noqa: E402

LANGUAGES = ("kk", "ru")
untranslated = defaultdict(lambda: defaultdict(set))  # lang -> msgid -> pages
foreign = defaultdict(dict)  # lang -> msgid -> msgstr (from a catalog not ours)
# msgid -> translated in our catalog (a few stay the same on purpose: "SMS", "ID", the brand)
ours = {
    lang: {
        e.msgid: e.translated()
        for e in polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / lang / "LC_MESSAGES" / "django.po"))
    }
    for lang in LANGUAGES
}
latin_text = defaultdict(lambda: defaultdict(set))  # lang -> visible Latin-script text -> pages
current_page = [""]


def _record(msgid, result):
    lang = translation.get_language()
    if lang not in LANGUAGES or not current_page[0] or not msgid or not msgid.strip():
        return
    if result == msgid and any(c.isalpha() for c in msgid) and not ours[lang].get(msgid):
        untranslated[lang][msgid].add(current_page[0])
    elif msgid not in ours[lang]:
        foreign[lang][msgid] = result


def _wrap(name, picks_msgid):
    real = getattr(trans_real, name)

    def wrapper(*args):
        result = real(*args)
        _record(picks_msgid(*args), result)
        return result

    setattr(translation._trans, name, wrapper)


_wrap("gettext", lambda m: m)
_wrap("ngettext", lambda s, p, n: s if n == 1 else p)
_wrap("pgettext", lambda c, m: m)
_wrap("npgettext", lambda c, s, p, n: s if n == 1 else p)


# Visible text in Latin script that is not English: addresses, codes, names of products.
NOT_ENGLISH = re.compile(
    r"^(\S+@\S+|fairportal|SMS|ID|OK|TOTP|CSV|XLSX|PDF|JSON|URL|\W*[A-Z0-9-]{3,}\W*|demo-\S+|https?://\S+)$"
)


class VisibleText(HTMLParser):
    """Text nodes and the attributes people read (title, aria-label, placeholder, alt)."""

    def __init__(self):
        super().__init__()
        self.found, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "option", "textarea"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.found.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "option", "textarea"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.found.append(data.strip())


def record_latin(lang, url, html):
    parser = VisibleText()
    parser.feed(html)
    for text in parser.found:
        if (
            re.search("[A-Za-z]{3}", text)
            and not re.search("[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі]", text)
            and not NOT_ENGLISH.match(text)
        ):
            latin_text[lang][text[:120]].add(url)


def admin_urls():
    """Index, app indexes, and for every registered model its changelist, add, change,
    history, delete pages and its own extra pages (with the first object's pk)."""
    yield reverse("admin:index")
    seen_apps = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in seen_apps:
            seen_apps.add(meta.app_label)
            yield reverse("admin:app_list", args=[meta.app_label])
        obj = model._default_manager.order_by("pk").first()
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name:
                continue
            params = list(pattern.pattern.converters)
            try:
                if not params:
                    url = reverse(f"admin:{name}")
                elif obj is not None and len(params) == 1:
                    url = reverse(f"admin:{name}", args=[obj.pk])
                else:
                    continue
            except NoReverseMatch:
                continue
            if "autocomplete" in name:
                continue
            yield url


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--email", default="admin@example.kz")
    parser.add_argument("--foreign", action="store_true", help="also list other catalogs' translations")
    args = parser.parse_args()
    from accounts.models import User

    user = User.objects.get(email=args.email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for lang in LANGUAGES:
        with translation.override(lang):
            urls = list(dict.fromkeys(admin_urls()))
        for url in urls:
            current_page[0] = url
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
            if response.status_code >= 400 and response.status_code != 403:
                print(f"{response.status_code} {url}", file=sys.stderr)
            elif "html" in response.get("Content-Type", ""):
                record_latin(lang, url, response.content.decode())
            current_page[0] = ""
    for lang in LANGUAGES:
        print(f"== {lang}: {len(untranslated[lang])} untranslated strings")
        for msgid, pages in sorted(untranslated[lang].items()):
            print(f"  {msgid!r}  ({len(pages)} pages, e.g. {sorted(pages)[0]})")
        print(
            f"== {lang}: {len(latin_text[lang])} texts in Latin script (not through gettext, or English data)"
        )
        for text, pages in sorted(latin_text[lang].items()):
            print(f"  {text!r}  ({len(pages)} pages, e.g. {sorted(pages)[0]})")
        if args.foreign:
            print(f"== {lang}: {len(foreign[lang])} translations from other catalogs")
            for msgid, msgstr in sorted(foreign[lang].items()):
                print(f"  {msgid!r} -> {msgstr!r}")


if __name__ == "__main__":
    main()
