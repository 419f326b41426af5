"""Open the portal's pages in headless Chromium and count CSP violations and broken images.

A check run by hand, not by `make test`: it needs Playwright (`pip install playwright` into
.venv, never `playwright install`) and Debian's chromium (`apt-get install chromium`), neither of
which the project requires. Against `manage.py runserver` with demo data:

    .venv/bin/python bench/browser_csp.py http://127.0.0.1:8000 ADMIN_EMAIL ADMIN_PASSWORD \
        PUBLIC_PROJECT_ID ITS_ORGANISATION_ID CEREMONY_ID

The NGO pages log in as ngo1@example.kz (demo), the jury pages as juror@example.kz with the
demo password, a juror of review 1 (create the seat first). Prints one line per page and width
(390 and 1280 px) and the total of `securitypolicyviolation` events; first it checks that an
injected inline script and style attribute are reported, so a silent run means something.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
BASE = sys.argv[1]
EMAIL, PASSWORD = sys.argv[2], sys.argv[3]
PROJECT, ORG, CEREMONY = sys.argv[4], sys.argv[5], sys.argv[6]

PUBLIC = [
    ("home", "/kk/"),
    ("catalogue", "/kk/fairs/demo-2026/projects/"),
    ("fair", "/kk/fairs/demo-2026/"),
    ("project+play", f"/kk/projects/{PROJECT}/"),
    ("ngo page", f"/kk/organisations/{ORG}/"),
    ("vote form", f"/kk/projects/{PROJECT}/vote/"),
    ("results", "/kk/fairs/demo-2025/results/"),
    ("winners", "/kk/fairs/demo-2025/winners/"),
    ("login", "/kk/account/login/"),
    ("admin login", "/kk/admin/login/"),
]
ADMIN = [
    ("admin index", "/kk/admin/"),
    ("admin project changelist", "/kk/admin/projects/project/"),
    ("admin project change", f"/kk/admin/projects/project/{PROJECT}/change/"),
    ("admin fair change", "/kk/admin/projects/fair/1/change/"),
    ("admin ceremony change", f"/kk/admin/awards/ceremony/{CEREMONY}/change/"),
    ("admin organisation changelist", "/kk/admin/projects/organisation/"),
    ("admin peoples choice", f"/kk/admin/awards/ceremony/{CEREMONY}/peoples-choice/"),
    ("admin jury ranking", "/kk/admin/jury/review/1/ranking/"),
    ("admin jury shortlist", "/kk/admin/jury/review/1/shortlist/"),
    ("admin private project change", "/kk/admin/projects/project/293/change/"),
]
NGO = [
    ("ngo dashboard", "/kk/ngo/"),
    ("ngo draft project", "/kk/ngo/projects/3/"),
    ("ngo project edit", "/kk/ngo/projects/3/edit/"),
    ("ngo project images", "/kk/ngo/projects/3/images/"),
    ("ngo organisation edit", "/kk/ngo/organisations/1/edit/"),
]
JUROR = [
    ("jury dashboard", "/kk/jury/"),
    ("jury private project", "/kk/jury/demo-astana-2026/projects/293/"),
]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""
BROKEN = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"


def visit(page, name, path, results):
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(BASE + path, wait_until="load")
    if name == "project+play":
        button = page.locator(".video-facade button")
        button.click()
        page.wait_for_selector(".video-facade iframe", timeout=5000)
        page.wait_for_timeout(1500)
    # Lazy images load only near the viewport: scroll through the page so each one is fetched.
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    images = page.evaluate("document.images.length")
    iframes = page.evaluate("Array.from(document.querySelectorAll('iframe')).map(f => f.src)")
    violations = page.evaluate("window.__csp")
    broken = page.evaluate(BROKEN)
    csp_console = [line for line in console if re.search(r"Content Security Policy|Refused to", line)]
    results.append(
        {
            "page": name,
            "url": page.url,
            "images": images,
            "iframes": iframes,
            "violations": violations,
            "csp_console": csp_console,
            "broken_images": broken,
            "console": console,
        }
    )


def main():
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for width in (390, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_init_script(WATCH)
            page = context.new_page()
            results = []
            for name, path in PUBLIC:
                page = context.new_page()
                visit(page, name, path, results)
                page.close()
            for login, email, password, pages in (
                ("/kk/admin/login/", EMAIL, PASSWORD, ADMIN),
                ("/kk/account/login/", "ngo1@example.kz", "demo-password-2026", NGO),
                ("/kk/account/login/", "juror@example.kz", "demo-password-2026", JUROR),
            ):
                context.clear_cookies()
                page = context.new_page()
                page.goto(BASE + login)
                page.fill("input[name=username]", email)
                page.fill("input[name=password]", password)
                page.locator("form [type=submit]").last.click()
                page.wait_for_load_state("load")
                page.close()
                for name, path in pages:
                    page = context.new_page()
                    visit(page, name, path, results)
                    page.close()
            context.close()
            out.append({"width": width, "results": results})
        browser.close()
    # The detector itself: an injected inline script must be reported.
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(BASE + "/kk/")
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s);"
            " document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>'); }"
        )
        page.wait_for_timeout(300)
        print("detector self-check (expect 2):", page.evaluate("window.__csp"))
        browser.close()
    total = 0
    for block in out:
        for result in block["results"]:
            total += len(result["violations"])
            print(
                f"{block['width']:>5}px  {result['page']:<32} violations={len(result['violations'])} "
                f"console-csp={len(result['csp_console'])} images={result['images']} broken={len(result['broken_images'])} "
                f"{result['url'].replace(BASE, '')} {' '.join(result['iframes'])}"
            )
            for line in result["violations"] + result["csp_console"] + result["broken_images"]:
                print("        ", line[:220])
    print("TOTAL CSP violations:", total)
    others = Counter(line for block in out for result in block["results"] for line in result["console"])
    print("Console messages (all pages):", sum(others.values()))
    for line, count in others.most_common():
        print(f"{count:>6}  {line[:200]}")
    with open(BASE_DIR / "var" / "browser_csp.json", "w") as results_file:
        json.dump(out, results_file, indent=1)


main()
