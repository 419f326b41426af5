"""A citizen votes in a real browser: on a phone, by keyboard alone, and with JavaScript off."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import url
from tests.voting.conftest import last_code
from voting import proof
from voting.models import Vote

# serialized_rollback: the regions, spheres and groups the migrations made are back for the next test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECEIPT = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


def receipt_on(page) -> str:
    return page.locator(".receipt-code").inner_text().strip()


def test_a_visitor_votes_on_a_390px_phone(phone, finalist, axe):
    phone.goto(url("catalogue:fair_detail", "kk", slug=finalist.fair.slug))
    phone.get_by_role("link", name=finalist.title).first.click()
    phone.locator(".vote-cta a").click()
    assert phone.url.endswith(url("voting:start", "kk", finalist.pk))
    # Nothing wider than the phone's screen: the form fits without sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.fill("input[name=email]", "Voter@Mail.kz")
    phone.check("#id_consent")
    phone.locator("main form button[type=submit]").click()
    assert phone.url.endswith(url("voting:verify", "kk"))
    axe(phone, "code page on a phone")

    phone.fill("input[name=code]", last_code("voter@mail.kz"))
    phone.locator("form:has(input[name=code]) button[type=submit]").click()

    assert phone.url.endswith(url("voting:done", "kk"))
    vote = Vote.objects.get()
    assert vote.project == finalist
    assert receipt_on(phone) == vote.receipt
    axe(phone, "receipt on a phone")


def test_a_visitor_votes_by_keyboard_alone(desktop, finalist):
    page = desktop
    page.goto(url("voting:start", "ru", finalist.pk))

    def tab_to(selector: str, limit: int = 60):
        """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")

    tab_to("input[name=email]")
    page.keyboard.type("keys@mail.kz")
    tab_to("#id_consent")
    page.keyboard.press("Space")
    tab_to("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{url('voting:verify', 'ru')}")

    code = last_code("keys@mail.kz")
    tab_to("input[name=code]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{url('voting:done', 'ru')}")

    assert receipt_on(page) == Vote.objects.get().receipt


def test_a_visitor_votes_with_javascript_off_after_the_browser_check_wait(
    no_js_page, finalist, browser_settings, monkeypatch
):
    page = no_js_page
    # A spike of code requests makes the form ask for a browser check; without JavaScript the
    # visitor waits instead (20 s in production, 1 s here).
    browser_settings.VOTING_CHALLENGE = "always"
    monkeypatch.setattr(proof, "WAIT_INSTEAD_SECONDS", 1)
    page.goto(url("voting:start", "en", finalist.pk))
    assert "please wait 1 seconds" in page.locator("#vote-proof").inner_text()

    page.fill("input[name=email]", "nojs@mail.kz")
    page.check("#id_consent")
    page.wait_for_timeout(1200)
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith(url("voting:verify", "en")), page.locator("main").inner_text()

    page.fill("input[name=code]", last_code("nojs@mail.kz"))
    page.locator("form:has(input[name=code]) button[type=submit]").click()

    assert receipt_on(page) == Vote.objects.get().receipt
    assert RECEIPT.fullmatch(receipt_on(page))
    assert len(mail.outbox) == 1
