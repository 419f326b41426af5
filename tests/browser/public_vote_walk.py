"""Walk the public voting journey as a new visitor, on a phone and a desktop, in kk and ru.

A plain script, not collected by pytest. It needs a running development server with demo data
whose console e-mail goes to a log file the script can read (the code is taken from there):

    make demo-reset
    DJANGO_RATELIMIT_ENABLED=false \\
        .venv/bin/python manage.py runserver 127.0.0.1:8121 --noreload > /tmp/walk15/server.log 2>&1 &
    .venv/bin/python tests/browser/public_vote_walk.py --base http://127.0.0.1:8121 \\
        --log /tmp/walk15/server.log --shots /tmp/walk15

Without DJANGO_RATELIMIT_ENABLED=false the per-address limits of the vote pages (100 an hour,
GETs included, counted in PostgreSQL so a restart keeps them) answer 429 after three or four
walks from 127.0.0.1. The setting also turns off fairportal.ratelimit's counters: no browser
check, and "Attempts left" after a wrong code stays at 5. For those, run once with the limits on.

Each (language, device) pair runs in its own process, at the same time: each waits out the
code page's one-minute resend cooldown. Per pair it checks the home page (fairs, their order,
the heading outline), the vote button's landing in the catalogue (filters folded on the phone,
the first finalist on the first screen), the vote form, the code page (focus, resend cooldown,
too-early and wrong-address resends, a resend after the cooldown), the receipt, axe-core on every
page state, and lists the Latin-script words on each page for a reader to judge (English left
in a kk/ru page). Exit status 1 when a check failed.
"""

import argparse
import email
import json
import re
import subprocess
import sys
import time
from email import policy
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
# Latin words that belong on a kk/ru page: the brand, demo organisations' names, units.
LATIN_OK = {
    "fairportal",
    "sms",
    "e-mail",
    "email",
    "example",
    "kz",
    "pdf",
    "csv",
    "json",
    "www",
    "http",
    "https",
}

HEADINGS_JS = """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
  .filter(h => !h.closest('[hidden]'))
  .map(h => ({level: +h.tagName[1], text: h.textContent.trim().replace(/\\s+/g, ' ').slice(0, 70),
              hidden: h.classList.contains('visually-hidden')}))"""

# Every text a visitor or a screen reader meets: text nodes plus the attributes read aloud.
TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, p = n.parentElement;
    if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(p.tagName)) continue;
    const t = n.textContent.trim().replace(/\\s+/g, ' ');
    if (t) out.push({where: p.tagName.toLowerCase() + (p.id ? '#' + p.id : ''), text: t,
                     lang: p.closest('[lang]') ? p.closest('[lang]').getAttribute('lang') : ''});
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[alt],[data-working],[data-done]')) {
    for (const a of ['placeholder', 'aria-label', 'title', 'alt', 'data-working', 'data-done']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push({where: el.tagName.toLowerCase() + '@' + a, text: v.trim(),
                                   lang: el.closest('[lang]') ? el.closest('[lang]').getAttribute('lang') : ''});
    }
  }
  out.push({where: 'title', text: document.title, lang: document.documentElement.lang});
  return out;
}"""


class Walk:
    def __init__(self, page, lang, device, shots, log_path):
        self.page, self.lang, self.device, self.shots, self.log_path = page, lang, device, shots, log_path
        self.figures, self.defects, self.axe, self.latin, self.mixed = {}, [], {}, {}, {}
        self.n = 0

    # ------------------------------------------------------------ helpers
    def defect(self, what):
        self.defects.append(f"[{self.lang}/{self.device}] {what} (at {self.page.url})")

    def shot(self, name):
        self.n += 1
        self.page.screenshot(
            path=str(self.shots / f"{self.lang}-{self.device}-{self.n:02d}-{name}.png"), full_page=False
        )

    def check(self, name):
        """axe-core and the language scan on the page as it is now."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"resultTypes": ["violations"]})
        self.axe[name] = [
            f"{v['id']} ({v['impact']}) at {' '.join(map(str, node['target']))}: {v['help']}"
            for v in results.response["violations"]
            for node in v["nodes"]
        ]
        found = []
        html_lang = self.page.evaluate("document.documentElement.lang")
        if html_lang != self.lang:
            self.defect(f"{name}: <html lang={html_lang!r}>, expected {self.lang!r}")
        for item in self.page.evaluate(TEXTS_JS):
            words = [
                w for w in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", item["text"]) if w.lower() not in LATIN_OK
            ]
            if words:
                found.append(f"{item['where']} lang={item['lang'] or '-'}: {item['text'][:160]}")
        self.latin[name] = sorted(set(found))
        # Cyrillic in the other language: Russian text (no Kazakh letters) not marked lang=ru on a
        # kk page, or Kazakh letters not marked lang=kk on a ru page. A heuristic for a reader.
        mixed = []
        for item in self.page.evaluate(TEXTS_JS):
            words = re.findall(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]{2,}", item["text"])
            kazakh = re.search(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", item["text"])
            marked = item["lang"] or html_lang
            if self.lang == "kk" and marked == "kk" and len(words) >= 2 and not kazakh:
                mixed.append(f"russian? {item['where']}: {item['text'][:120]}")
            if self.lang == "ru" and marked == "ru" and kazakh:
                mixed.append(f"kazakh? {item['where']}: {item['text'][:120]}")
        self.mixed[name] = sorted(set(mixed))
        self.shot(name)

    def outline(self, name):
        heads = self.page.evaluate(HEADINGS_JS)
        self.figures[f"{name} outline"] = " / ".join(
            f"h{h['level']}{'(hidden)' if h['hidden'] else ''} {h['text']}" for h in heads
        )
        previous = 0
        h1s = [h for h in heads if h["level"] == 1]
        if len(h1s) != 1:
            self.defect(f"{name}: {len(h1s)} h1 elements")
        for h in heads:
            if h["level"] > previous + 1:
                self.defect(f"{name}: heading skip h{previous} -> h{h['level']} at {h['text']!r}")
            previous = h["level"]

    def mails_to(self, address):
        """The bodies of the messages the console backend printed to `address`, oldest first."""
        text = Path(self.log_path).read_text(errors="replace")
        bodies = []
        for block in re.split(r"\n-{79}\n", text):
            start = block.find("Content-Type:")
            if start < 0 or f"To: {address}" not in block:
                continue
            message = email.message_from_string(block[start:].lstrip(), policy=policy.default)
            part = message.get_body(preferencelist=("plain", "html"))
            bodies.append((message["Subject"], part.get_content() if part else ""))
        return bodies

    def code_from_mail(self, address, count, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            mails = self.mails_to(address)
            if len(mails) >= count:
                subject, body = mails[count - 1]
                match = re.search(r"\b(\d{6})\b", body) or re.search(r"\b(\d{3}[ -]\d{3})\b", body)
                self.figures[f"mail {count} subject"] = subject
                return match.group(1).replace(" ", "").replace("-", "") if match else None
            time.sleep(0.5)
        return None

    def focused(self):
        return self.page.evaluate(
            "() => { const a = document.activeElement; return a ? (a.id || a.tagName.toLowerCase()) : null }"
        )

    # ------------------------------------------------------------ steps
    def home(self):
        page = self.page
        page.goto(f"/{self.lang}/")
        fairs = page.evaluate(
            """() => [...document.querySelectorAll('section.current-fair')].map(s => ({
                 title: s.querySelector('h2').textContent.trim(), level: s.querySelector('h2').tagName,
                 badge: (s.querySelector('.badge') || {}).textContent,
                 button: (s.querySelector('a.btn') || {}).textContent,
                 href: (s.querySelector('a.btn') || {getAttribute: () => ''}).getAttribute('href')}))"""
        )
        self.figures["home fairs"] = [
            f"{f['level']} {f['title']} [{f['badge']}] -> {f['button']} {f['href']}" for f in fairs
        ]
        past = page.evaluate(
            "() => [...document.querySelectorAll('#past-title + ul a')].map(a => a.textContent.trim())"
        )
        self.figures["home past fairs"] = past
        if not fairs or "finalists=on" not in (fairs[0]["href"] or ""):
            self.defect("home: the fair in voting is not the first fair shown")
        self.outline("home")
        self.check("home")
        button = page.locator("section.current-fair a.btn[href*='finalists=on']").first
        box = button.bounding_box()
        self.figures["home vote button"] = f"{button.text_content().strip()!r} top={box and round(box['y'])}"
        return button

    def catalogue(self, button):
        page = self.page
        button.click()
        page.wait_for_load_state()
        page.wait_for_timeout(300)
        if not page.url.endswith("?finalists=on#projects-found"):
            self.defect(f"vote button landed on {page.url}, not ?finalists=on#projects-found")
        fold = page.locator("details.filters-fold")
        is_open = fold.evaluate("d => d.open")
        summary_visible = page.locator("details.filters-fold > summary").is_visible()
        search_visible = page.locator("details.filters-fold input[name=q]").is_visible()
        card = page.locator("a.stretched-link").first
        box = card.bounding_box()
        scroll_y = page.evaluate("window.scrollY")
        inner = page.evaluate("window.innerHeight")
        self.figures["catalogue"] = (
            f"url={page.url.split('/', 3)[3]} details.open={is_open} summary visible={summary_visible} "
            f"search field visible={search_visible} first card top={box and round(box['y'], 1)} "
            f"(viewport-relative) bottom={box and round(box['y'] + box['height'], 1)} scrollY={scroll_y} "
            f"innerHeight={inner} focused={self.focused()}"
        )
        if box is None or box["y"] < 0 or box["y"] + box["height"] > inner:
            self.defect(
                f"catalogue: first finalist card not wholly on the first screen ({box}, innerHeight {inner})"
            )
        if self.device == "phone":
            if is_open:
                self.defect("catalogue: filters open on the phone")
        elif not search_visible:
            self.defect("catalogue: filters not shown at 1280 px")
        self.outline("catalogue")
        self.check("catalogue")
        if self.device == "phone":
            # Keyboard: the landing focuses the count (#projects-found); the fold is one Shift+Tab back.
            page.keyboard.press("Shift+Tab")
            on_summary = page.evaluate("document.activeElement.matches('details.filters-fold > summary')")
            self.figures["fold: Shift+Tab from the landing focuses the summary"] = on_summary
            if not on_summary:
                self.defect(
                    f"catalogue: Shift+Tab from the landing goes to {self.focused()}, not the filters"
                )
            page.keyboard.press("Enter")
            opened = fold.evaluate("d => d.open")
            page.keyboard.press("Tab")
            # Bootstrap's buttons fade colours for 0.15 s: axe in mid-fade measures a contrast that
            # is never at rest on screen.
            page.wait_for_timeout(400)
            self.figures["fold after Enter"] = f"open={opened}, Tab goes to {self.focused()}"
            self.check("catalogue filters open")
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Space")
            closed = not fold.evaluate("d => d.open")
            self.figures["fold after Space"] = f"closed={closed}"
            if not (opened and closed):
                self.defect(f"catalogue: keyboard fold open={opened} closed-again={closed}")
        else:
            # Filters shown although the <details> is closed: can Tab reach the fields?
            page.focus("details.filters-fold input[name=q]")
            self.figures["desktop search focusable"] = self.focused()
            if self.focused() != "id_q":
                self.defect("catalogue: the search field shown at 1280 px cannot take focus")
        return card

    def vote(self, card, address, other):
        page = self.page
        card.click()
        page.wait_for_load_state()
        self.outline("project")
        self.check("project")
        vote_link = page.locator("main a[href*='/vote/']").first
        self.figures["project vote link"] = (
            f"{vote_link.text_content().strip()!r} -> {vote_link.get_attribute('href')}"
        )
        vote_link.click()
        page.wait_for_load_state()
        self.outline("vote form")
        self.check("vote form")
        self.figures["vote form browser check"] = (
            page.locator("#vote-proof [data-status]").inner_text()
            if page.locator("#vote-proof").count()
            else "not asked"
        )
        # Sent empty: the error state.
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        self.figures["vote form sent empty"] = (
            f"errors={page.locator('.invalid-feedback').all_inner_texts()} focus={self.focused()}"
        )
        self.check("vote form errors")
        page.fill("#id_email", address)
        page.check("#id_consent")
        page.wait_for_timeout(3300)  # the form's minimum fill time
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        sent_at = time.time()
        if "/vote/code/" not in page.url:
            self.defect(f"vote form did not lead to the code page: {page.inner_text('main')[:300]}")
            return
        self.figures["code page focus on arrival"] = self.focused()
        if self.focused() != "id_code":
            self.defect(f"code page: focus on arrival is {self.focused()}, not the code field")
        self.outline("code page")
        self.check("code page")
        first_code = self.code_from_mail(address, 1)
        self.figures["first code"] = first_code
        wait = page.locator("#resend-wait")
        self.figures["resend-wait"] = wait.text_content().strip() if wait.count() else None
        if not wait.count():
            self.defect("code page: no #resend-wait cooldown shown")

        # A wrong code.
        page.fill("#id_code", "000000" if first_code != "000000" else "111111")
        page.locator("main form:not([action*='again']) button[type=submit]").click()
        page.wait_for_load_state()
        self.figures["wrong code"] = (
            f"errors={page.locator('main form:not([action*=again]) .invalid-feedback').all_inner_texts()} "
            f"focus={self.focused()}"
        )
        self.check("code page wrong code")

        # Too early: a translated refusal, the address kept.
        page.fill("#id_code", "12")  # typed in the code field; a resend need not keep it
        page.fill("form[action*='again'] input[name=address]", address)
        page.locator("form[action*='again'] button[type=submit]").click()
        page.wait_for_load_state()
        kept = page.input_value("form[action*='again'] input[name=address]")
        error = page.locator(
            "form[action*='again'] .invalid-feedback, form[action*='again'] .is-invalid ~ div"
        )
        message = (
            " | ".join(e.strip() for e in error.all_inner_texts())
            if error.count()
            else page.inner_text("main")[:400]
        )
        self.figures["too-early resend"] = (
            f"message={message!r} address kept={kept == address} focus={self.focused()}"
        )
        if kept != address:
            self.defect(f"too-early resend: address not kept ({kept!r})")
        if not error.count():
            self.defect("too-early resend: no error message at the address field")
        self.check("code page too-early resend")
        # The page now sits at /vote/code/again/: the code form must still post to /vote/code/.
        target = page.evaluate("document.querySelector(\"main form:not([action*='again'])\").action")
        self.figures["code form posts to, after a refused resend"] = target
        if "/again/" in target:
            self.defect(
                f"after a refused resend the code form (no action attribute) posts to {target}: "
                "the code typed there goes to the resend view, which answers 'required' at the address"
            )

        # Wrong address.
        page.fill("form[action*='again'] input[name=address]", other)
        page.locator("form[action*='again'] button[type=submit]").click()
        page.wait_for_load_state()
        error = page.locator("form[action*='again'] .invalid-feedback")
        self.figures["wrong-address resend"] = (
            f"message={' | '.join(error.all_inner_texts())!r} kept={page.input_value('form[action*=again] input[name=address]')!r} "
            f"focus={self.focused()}"
        )
        if not error.count():
            self.defect("wrong-address resend: no message")
        self.check("code page wrong-address resend")

        # After the cooldown.
        remaining = 61.5 - (time.time() - sent_at)
        if remaining > 0:
            time.sleep(remaining)
        wait = page.locator("#resend-wait")
        self.figures["resend-wait once the cooldown is over (no reload)"] = (
            wait.text_content().strip() if wait.count() else None
        )
        page.fill("form[action*='again'] input[name=address]", address)
        page.locator("form[action*='again'] button[type=submit]").click()
        page.wait_for_load_state()
        alerts = page.locator("main .alert").all_inner_texts()
        self.figures["resend after cooldown"] = f"url={page.url} alerts={alerts} focus={self.focused()}"
        wait = page.locator("#resend-wait")
        self.figures["resend-wait after resend"] = wait.text_content().strip() if wait.count() else None
        self.check("code page after resend")
        second_code = self.code_from_mail(address, 2)
        self.figures["second code"] = second_code
        if second_code is None:
            self.defect("resend after the cooldown: no second e-mail in the server log")
        page.fill("#id_code", second_code or first_code or "")
        page.locator("main form:not([action*='again']) button[type=submit]").click()
        page.wait_for_load_state()
        self.figures["after code"] = page.url
        if "/vote/thank-you/" not in page.url:
            self.defect(f"code refused: {page.inner_text('main')[:300]}")
            return
        receipt = page.inner_text("main")
        self.figures["receipt page"] = receipt[:400].replace("\n", " / ")
        self.outline("receipt")
        self.check("receipt")
        done_url = page.url
        page.locator("main a[href*='/vote/receipt/']").first.click()
        page.wait_for_load_state()
        self.figures["receipt check"] = (
            f"{page.url.split('/', 3)[3]}: {page.inner_text('main')[:200]}".replace("\n", " / ")
        )
        self.outline("receipt check")
        self.check("receipt check")
        page.goto(done_url)

        # The same voter again, for the same project: the code page, then "you have already voted".
        page.goto(self.figures["project vote link"].split(" -> ")[1])
        page.fill("#id_email", address)
        page.check("#id_consent")
        page.wait_for_timeout(3300)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        if "/vote/code/" in page.url:
            code = self.code_from_mail(address, 3)
            page.fill("#id_code", code or "")
            page.locator("main form:not([action*='again']) button[type=submit]").click()
            page.wait_for_load_state()
        self.figures["second vote, same voter"] = page.inner_text("main")[:300].replace("\n", " / ")
        self.outline("already voted")
        self.check("already voted")


def run_one(args, lang, device):
    from playwright.sync_api import sync_playwright

    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    stamp = int(time.time())
    # Distinct local parts: the identity drops a "+tag" (walker+1@ and walker+2@ are one voter).
    address, other = f"walker{lang}{device}{stamp}@example.kz", f"other{lang}{device}{stamp}@example.kz"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(base_url=args.base, **DEVICES[device])
        context.set_default_timeout(15_000)
        walk = Walk(context.new_page(), lang, device, shots, args.log)
        try:
            button = walk.home()
            card = walk.catalogue(button)
            walk.vote(card, address, other)
        except Exception as error:  # report the walk's break and what came before
            walk.defect(f"walk stopped: {type(error).__name__}: {str(error)[:300]}")
            walk.shot("error")
        browser.close()
    return {
        "lang": lang,
        "device": device,
        "figures": walk.figures,
        "defects": walk.defects,
        "axe": walk.axe,
        "latin": walk.latin,
        "mixed": walk.mixed,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8121")
    parser.add_argument("--log", required=True, help="the server's stdout (console e-mail)")
    parser.add_argument("--shots", required=True, help="a directory for the screenshots")
    parser.add_argument("--one", help="lang/device, e.g. kk/phone (one walk, JSON on stdout)")
    args = parser.parse_args()
    if args.one:
        lang, device = args.one.split("/")
        print(json.dumps(run_one(args, lang, device), ensure_ascii=False))
        return 0
    pairs = [f"{lang}/{device}" for lang in ("kk", "ru") for device in DEVICES]
    procs = {
        pair: subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--base",
                args.base,
                "--log",
                args.log,
                "--shots",
                args.shots,
                "--one",
                pair,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for pair in pairs
    }
    failed = False
    for pair, proc in procs.items():
        out, _ = proc.communicate()
        result = json.loads(out.strip().splitlines()[-1])
        print(f"\n===== {pair}")
        for key, value in result["figures"].items():
            print(f"  {key}: {value}")
        for name, lines in result["axe"].items():
            print(f"  axe {name}: {len(lines)}")
            for line in lines:
                print(f"      {line}")
        for name, lines in result["latin"].items():
            for line in lines:
                print(f"  latin {name}: {line}")
        for name, lines in result["mixed"].items():
            for line in lines:
                print(f"  mixed {name}: {line}")
        for line in result["defects"]:
            print(f"  DEFECT {line}")
        failed = failed or bool(result["defects"]) or any(result["axe"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
