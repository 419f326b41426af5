"""Run axe-core over the admin pages, in each language, and print the violations per page.

A plain script, not collected by pytest. It needs the dev requirements (Playwright and
axe-playwright-python, whose axe.min.js it injects), Debian's chromium, and a
running server with demo data (`make demo-reset`, the seed commands of `make run`, then
`manage.py runserver`). It logs in through the admin's log-in form (a staff account without a
second factor: STAFF_REQUIRE_2FA is off under DEBUG), then follows the admin's own links from
the index: every changelist, add form, one change form per model, and the pages those link to
(jury ranking, shortlist, people's choice, clusters, ...), one URL per shape (/…/1/change/ and
/…/2/change/ count once).

    .venv/bin/python tests/browser/admin_axe_walk.py --base http://127.0.0.1:8103 \\
        --email admin@example.kz --password "$(sed -n 's/^password: //p' var/local-admin.txt)"

Exit status 1 when any page has a violation.
"""

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import axe_playwright_python
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# The axe-core the browser tests use (tests/browser/conftest.py), not a copy of our own.
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
CHROMIUM = "/usr/bin/chromium"
# Links not to follow: they leave, log out, delete, download, or only re-sort/filter a list.
SKIP = re.compile(
    r"/(logout|delete|password|jsi18n|autocomplete|pdf|qrcode|config)/|/export|\.(csv|xlsx|pdf|json|zip)$|/r/\d+/"
)


def shape(path: str) -> str:
    """/kk/admin/projects/project/12/change/ -> /kk/admin/projects/project/N/change/"""
    return re.sub(r"/\d+/", "/N/", path)


def crawl_language(page, base: str, lang: str, limit: int, extra: list[str], follow: bool = True) -> dict:
    start = [f"{base}/{lang}/admin/"] if follow else []
    queue, seen, results = [*start, *(urljoin(base, u) for u in extra)], set(), {}
    while queue and len(results) < limit:
        url = queue.pop(0)
        key = shape(urlparse(url).path)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download, not a page
            results[url] = {"status": str(error).splitlines()[0], "violations": []}
            continue
        if (
            response is None
            or response.status >= 400
            or "html" not in (response.headers.get("content-type") or "")
        ):
            results[url] = {"status": response.status if response else None, "violations": []}
            continue
        page.evaluate(AXE.read_text())
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}))"
        )
        results[url] = {"status": response.status, "violations": violations}
        if not follow:
            continue
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if (
                href.startswith(base)
                and parsed.path.startswith(f"/{lang}/admin/")
                and not parsed.query
                and not SKIP.search(parsed.path)
                and shape(parsed.path) not in seen
            ):
                queue.append(href)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="admin@example.kz")
    parser.add_argument("--password", required=True)
    parser.add_argument("--languages", default="kk,ru,en")
    parser.add_argument("--limit", type=int, default=200, help="pages per language at most")
    parser.add_argument("--url", action="append", default=[], help="an extra path to check, e.g. /kk/admin/…")
    parser.add_argument("--only", action="store_true", help="check the --url pages only, follow no links")
    parser.add_argument("--quiet", action="store_true", help="only pages with violations, and the totals")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    totals, pages_checked, failing = Counter(), 0, 0
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(f"{base}/kk/admin/login/?next=/kk/admin/")
        page.fill("#id_username", args.email)
        page.fill("#id_password", args.password)
        page.click("#login-form [type=submit]")
        page.wait_for_load_state()
        if "/login/" in page.url:
            print(f"log-in failed: still on {page.url}", file=sys.stderr)
            return 2
        for lang in args.languages.split(","):
            extra = [u for u in args.url if u.startswith(f"/{lang}/")]
            results = crawl_language(page, base, lang, args.limit, extra, follow=not args.only)
            for url, result in results.items():
                pages_checked += 1
                violations = result["violations"]
                if violations:
                    failing += 1
                if violations or not args.quiet:
                    print(f"{result['status']} {url}: {len(violations)} violation(s)")
                for v in violations:
                    totals[v["impact"]] += v["count"]
                    print(f"    [{v['impact']}] {v['id']} x{v['count']}: {v['help']}")
                    for target in v["targets"]:
                        print(f"        {target}")
        browser.close()
    summary = ", ".join(f"{impact}: {n}" for impact, n in totals.most_common()) or "none"
    print(f"\n{pages_checked} pages, {failing} with violations; nodes by impact: {summary}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
