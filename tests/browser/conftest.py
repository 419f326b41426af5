"""Real-browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

One browser for the whole session (starting chromium costs about a second), a fresh context and
page per test. `playwright install` cannot download here, so the browser is the system's
/usr/bin/chromium (`.ci/run` installs it with apt when missing). In CI a missing chromium fails
the browser tests; elsewhere they are skipped with the reason.
"""

import os
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.jury.conftest import criteria, juror, nominations, projects, review  # noqa: F401 - fixtures
from tests.voting.conftest import finalist, voting_fair  # noqa: F401 - fixtures

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from it
# (factories in the test body) unless told this test process knows what it does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Standalone walks over a running server, not pytest tests.
collect_ignore = ["admin_axe_walk.py", "admin_i18n_walk.py"]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LANGUAGES = ["kk", "ru", "en"]

_timings = {"passed": 0, "failed": 0, "skipped": 0, "seconds": 0.0}


def pytest_runtest_logreport(report):
    if "browser" not in report.keywords:
        return
    _timings["seconds"] += report.duration
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcome = "passed" if report.passed else "skipped" if report.skipped else "failed"
        _timings[outcome] += 1


def pytest_terminal_summary(terminalreporter, config):
    if any(_timings[k] for k in ("passed", "failed", "skipped")):
        pages = getattr(config, "axe_pages_checked", 0)
        terminalreporter.write_line(
            f"browser tests: {_timings['passed']} passed, {_timings['failed']} failed, "
            f"{_timings['skipped']} skipped in {_timings['seconds']:.1f} s; "
            f"axe-core checked {pages} page states"
        )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"no chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need a browser in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # launch() gives chromium a fresh temporary profile (user-data dir) and removes it afterwards.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_settings(settings):
    # Every test comes from 127.0.0.1: the per-address limits would soon refuse the next test.
    settings.RATELIMIT_ENABLED = False
    return settings


@pytest.fixture
def fast_form(monkeypatch):
    # The vote form's minimum fill time (3 s, against bots) would only make every test wait.
    from voting import forms

    monkeypatch.setattr(forms, "MIN_FILL_SECONDS", 0)


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def desktop(browser, live_server, browser_settings, fast_form):
    context = _context(browser, live_server, **DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, live_server, browser_settings, fast_form):
    context = _context(browser, live_server, **PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(desktop):
    return desktop


@pytest.fixture
def no_js_page(browser, live_server, browser_settings, fast_form):
    context = _context(browser, live_server, java_script_enabled=False, **DESKTOP)
    yield context.new_page()
    context.close()


def url(name: str, lang: str = "kk", *args, **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None, kwargs=kwargs or None)


PASSWORD = "correct horse battery staple"  # tests.factories.accounts.UserFactory's


def log_in(page, user, lang: str = "kk", password: str = PASSWORD):
    page.goto(url("accounts:login", lang))
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"log-in failed for {user.email}"


def axe_violations(page, label: str = "") -> list[str]:
    """axe-core's violations on the page as it is now, one line per element.

    axe-playwright-python puts axe into the page with page.evaluate (a DevTools call), which the
    page's CSP, forbidding inline scripts, does not block.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{label or page.url}: {violation['id']} ({violation['impact']}) "
                f"at {' '.join(map(str, node['target']))} on {page.url}"
            )
    return lines


def assert_no_axe_violations(page, label: str = ""):
    lines = axe_violations(page, label)
    if lines:
        pytest.fail("axe-core violations:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture
def axe():
    return assert_no_axe_violations


def wait_seconds(seconds: float):
    time.sleep(seconds)
