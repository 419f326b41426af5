"""Walk the commission's rounds as a new organiser would: reading assignment, jurors' reading,
shortlist, presentation round, presentation scoring, combined ranking, the public programme.

A plain script, not collected by pytest. It needs a running development server with demo data
(the fair in review, demo-astana-2026, with its six jurors) and the local admin account:

    make migrate compilemessages
    .venv/bin/python manage.py demo reset
    .venv/bin/python manage.py ensure_local_admin
    DJANGO_RATELIMIT_ENABLED=false \\
        .venv/bin/python manage.py runserver 127.0.0.1:8123 --noreload > /tmp/rewalk16/server.log 2>&1 &
    .venv/bin/python tests/browser/jury_rounds_walk.py --base http://127.0.0.1:8123 \\
        --shots /tmp/rewalk16 \\
        --step 1 --step 2 --step 3 --step 4 --step 4b --step 5 --step 6a --step 6b --step 7

on a fresh `demo reset` (a round opens once per fair; the server's log must be <shots>/server.log,
where step 4 reads the console e-mails). Step 4 opens the round today from 20:00 Almaty; when
that hour has passed, the schedule page must refuse it, and the walk then sets the round's first
hour to four minutes from now on the round's page and applies the schedule. Step 5 waits
until the first slot has begun; step 6a sets the closing time two minutes ahead on the round's
page and step 6b waits for it.

The demo's jurors log in with the demo password that `demo reset` prints (demo-password-2026).

Steps run one at a time (--step N, repeatable) and keep what later steps need in
<shots>/state.json. The organiser's pages run in Kazakh at 1280 px (and again in Russian for the
key pages), the jurors' at 390x844. Each visited page gets axe-core and a scan for Latin words
(English left on a kk/ru page). Where the walk stands in for people (jurors' scores, a juror's
password), it does so through the project's own services in a `manage.py shell`, and says so.
Every page's axe violations are counted in results.json ("axe total").
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from public_vote_walk import HEADINGS_JS, LATIN_OK, TEXTS_JS

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
FAIR = "demo-astana-2026"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Printed by `demo reset` for the NGO and the juror accounts alike.
DEMO_PASSWORD = "demo-password-2026"
JUROR_PASSWORD = NGO_PASSWORD = DEMO_PASSWORD
LATIN_OK = LATIN_OK | {"fairportal", "admin", "ics", "id", "ok"}


def shell(code: str) -> str:
    """Run `code` in the project's Django shell; return what it printed."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return out.stdout.strip()


class Walk:
    def __init__(self, browser, base, shots, admin_password):
        self.browser, self.base, self.shots = browser, base.rstrip("/"), shots
        self.admin_password = admin_password
        self.state_path = shots / "state.json"
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.results_path = shots / "results.json"
        self.results = json.loads(self.results_path.read_text()) if self.results_path.exists() else {}
        self.n = len(list(shots.glob("*.png")))

    def save(self):
        pages = [
            e
            for key, step in self.results.items()
            if key != "axe total"
            for e in step.get("pages", {}).values()
        ]
        self.results["axe total"] = {
            "pages": len(pages),
            "pages with violations": sum(1 for e in pages if e["axe"]),
            "violations": sum(int(re.search(r" x(\d+):", v).group(1)) for e in pages for v in e["axe"]),
            "pages with Latin words": sum(1 for e in pages if e["latin"]),
        }
        self.state_path.write_text(json.dumps(self.state, indent=1, ensure_ascii=False))
        self.results_path.write_text(json.dumps(self.results, indent=1, ensure_ascii=False))

    def note(self, step, key, value):
        self.results.setdefault(step, {}).setdefault("figures", {})[key] = value
        print(f"  {key}: {value}")

    def defect(self, step, what):
        self.results.setdefault(step, {}).setdefault("defects", []).append(what)
        print(f"  DEFECT: {what}")

    # ---------------------------------------------------------------- browser helpers
    def context(self, device=DESKTOP):
        return self.browser.new_context(base_url=self.base, **device)

    def admin_page(self, device=DESKTOP, lang="kk"):
        page = self.context(device).new_page()
        page.goto(f"/{lang}/admin/login/?next=/{lang}/admin/")
        page.fill("#id_username", "admin@example.kz")
        page.fill("#id_password", self.admin_password)
        page.click("#login-form [type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, page.url
        return page

    def user_page(self, email, password, device=PHONE, lang="kk"):
        page = self.context(device).new_page()
        page.goto(f"/{lang}/account/login/")
        page.fill("input[name=username], input[name=email], #id_username", email)
        page.fill("input[name=password]", password)
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"log-in of {email} failed at {page.url}"
        return page

    def check(self, step, page, name, lang="kk"):
        """axe-core, the heading outline and the Latin-word scan on the page as it is now."""
        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
        found = set()
        if lang in ("kk", "ru"):
            for item in page.evaluate(TEXTS_JS):
                if item["lang"] and item["lang"] != lang:
                    continue
                words = [
                    w
                    for w in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", item["text"])
                    if w.lower() not in LATIN_OK
                ]
                if words:
                    found.add(f"{item['where']}: {item['text'][:140]}")
        heads = page.evaluate(HEADINGS_JS)
        previous, skips = 0, []
        for h in heads:
            if h["level"] > previous + 1:
                skips.append(f"h{previous}->h{h['level']} {h['text']!r}")
            previous = h["level"]
        self.n += 1
        shot = self.shots / f"{self.n:03d}-{step}-{lang}-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        entry = {
            "url": page.url,
            "axe": [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['help']}" for v in violations],
            "axe_targets": [" ".join(map(str, n["target"])) for v in violations for n in v["nodes"]][:8],
            "latin": sorted(found)[:40],
            "heading_skips": skips,
            "h1": sum(1 for h in heads if h["level"] == 1),
            "shot": shot.name,
        }
        self.results.setdefault(step, {}).setdefault("pages", {})[f"{lang} {name}"] = entry
        print(
            f"  page {lang} {name}: axe {len(violations)}, latin {len(found)}, skips {len(skips)} {page.url}"
        )
        return entry

    # ---------------------------------------------------------------- step 1
    def step1(self):
        """Reading assignment: N=2, propose, loads, conflicts, apply, move one by hand."""
        s = "1"
        review = int(
            shell(f"from jury.models import Review; print(Review.objects.get(fair__slug='{FAIR}').pk)")
        )
        self.state["review"] = review
        page = self.admin_page()
        page.goto(f"/kk/admin/jury/review/{review}/change/")
        self.check(s, page, "review-change")
        page.select_option("#id_reading", index=1) if page.locator("#id_reading option").count() > 1 else None
        self.note(
            s,
            "reading options",
            page.eval_on_selector_all("#id_reading option", "o => o.map(x => x.textContent)"),
        )
        page.select_option("#id_reading", value="assigned")
        page.fill("#id_readers_per_project", "2")
        page.click("input[name=_continue]")
        page.wait_for_load_state()
        self.note(
            s,
            "after save",
            page.locator(".messagelist").inner_text()
            if page.locator(".messagelist").count()
            else "no message",
        )
        self.check(s, page, "review-saved")
        link = page.locator("a[href$='/reading/']")
        self.note(s, "reading link on review page", link.count())
        link.first.click()
        page.wait_for_load_state()
        self.check(s, page, "reading")
        page.click("form[method=get] input[type=submit]")
        page.wait_for_load_state()
        self.check(s, page, "reading-proposal")
        loads = page.eval_on_selector_all(
            "#proposal ~ .module table:first-of-type tbody tr",
            "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))",
        )
        self.note(s, "proposal loads (juror, nominations, languages, load, in-language)", loads)
        self.note(s, "proposal summary", page.locator("#proposal + p, #proposal ~ p").first.inner_text())
        numbers = [int(r[3]) for r in loads if len(r) > 3 and r[3].isdigit()]
        if numbers and max(numbers) - min(numbers) > 1:
            self.note(s, "loads not within one", numbers)
        page.click(
            "input[name=action][value=apply] ~ .submit-row input[type=submit], form:has(input[value=apply]) input[type=submit]"
        )
        page.wait_for_load_state()
        self.note(s, "apply message", page.locator(".messagelist").inner_text())
        self.check(s, page, "reading-applied")
        # No juror reads their own NGO's project or one in conflict.
        print(
            shell(f"""
from jury.models import ReadingAssignment, Juror, Recusal
bad = 0
for a in ReadingAssignment.objects.filter(juror__review__fair__slug='{FAIR}').select_related('juror__user', 'project'):
    j = a.juror
    own = j.user.memberships.filter(organisation_id=a.project.organisation_id).exists()
    conflict = j.conflict_organisations.filter(pk=a.project.organisation_id).exists() or Recusal.objects.filter(juror=j, project=a.project).exists()
    nom = (not j.nominations.exists()) or j.nominations.filter(pk=a.project.nomination_id).exists()
    if own or conflict or not nom:
        bad += 1; print('BAD', j.user.email, a.project_id, own, conflict, nom)
from collections import Counter
print('per juror', sorted(Counter(a.juror.user.email for a in ReadingAssignment.objects.filter(juror__review__fair__slug='{FAIR}').select_related('juror__user')).items()))
print('bad', bad)
""")
        )
        loads_after = page.eval_on_selector_all(
            "#current ~ .module:first-of-type tbody tr, #current ~ .module tbody tr:has(td:nth-child(3))",
            "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))",
        )
        self.note(s, "current loads", loads_after)
        # Move the first movable reading by hand.
        form = page.locator("form.jury-move").first
        label = form.locator("label").inner_text()
        choice = form.locator("select option").nth(1)
        target = choice.inner_text()
        form.locator("select").select_option(index=1)
        form.locator("input[type=submit]").click()
        page.wait_for_load_state()
        self.note(s, "move", f"{label} {target} -> {page.locator('.messagelist').inner_text()}")
        self.check(s, page, "reading-moved")
        ru = self.admin_page(lang="ru")
        ru.goto(f"/ru/admin/jury/review/{review}/reading/?propose=1")
        self.check(s, ru, "reading-proposal", lang="ru")
        ru.goto(f"/ru/admin/jury/review/{review}/reading/")
        self.check(s, ru, "reading", lang="ru")
        ru.goto(f"/ru/admin/jury/review/{review}/change/")
        self.check(s, ru, "review-change", lang="ru")

    # ---------------------------------------------------------------- step 2
    def assignments(self):
        return json.loads(
            shell(f"""
import json
from jury.models import ReadingAssignment
print(json.dumps(sorted([a.juror.user.email, a.project_id] for a in ReadingAssignment.objects.filter(
    juror__review__fair__slug='{FAIR}').select_related('juror__user'))))
""")
        )

    def step2(self):
        """A juror on a phone sees only their readings and declares a conflict on one."""
        s = "2"
        email = "jury1@example.kz"
        # No stand-in: the demo's jurors log in with the demo password `demo reset` prints.
        before = self.assignments()
        mine = sorted(p for e, p in before if e == email)
        page = self.user_page(email, JUROR_PASSWORD)
        self.note(s, "landing after log-in", page.url)
        page.goto("/kk/jury/")
        self.check(s, page, "dashboard")
        shown = sorted({int(m) for m in re.findall(rf"/jury/{FAIR}/projects/(\d+)/", page.content())})
        self.note(s, "projects assigned / shown on dashboard", f"{len(mine)} / {len(shown)}")
        if shown != mine:
            self.defect(s, f"dashboard shows {shown}, assigned {mine}")
        # A project not assigned to this juror: the page must refuse it.
        other = next(p for e, p in before if p not in mine)
        response = page.goto(f"/kk/jury/{FAIR}/projects/{other}/")
        self.note(s, f"unassigned project {other} status", response.status)
        target = mine[0]
        page.goto(f"/kk/jury/{FAIR}/projects/{target}/")
        self.check(s, page, "project")
        page.click(f"a[href$='/projects/{target}/recuse/']")
        page.wait_for_load_state()
        self.check(s, page, "recuse")
        page.fill("textarea", "Жобаның басшысы — менің туысым.")
        page.locator("main form input[type=checkbox]").check()
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        self.note(
            s,
            "after recusal",
            f"{page.url} / "
            + page.locator(".alert, .messages, [role=alert], [role=status]").all_inner_texts().__str__(),
        )
        self.check(s, page, "after-recuse")
        after = self.assignments()
        gone = sorted(set(map(tuple, before)) - set(map(tuple, after)))
        came = sorted(set(map(tuple, after)) - set(map(tuple, before)))
        self.note(s, "readings removed / added", f"{gone} / {came}")
        from collections import Counter

        self.note(s, "loads before", sorted(Counter(e for e, _ in before).items()))
        self.note(s, "loads after", sorted(Counter(e for e, _ in after).items()))
        if len(gone) != 1 or len(came) != 1 or came[0][1] != target:
            self.defect(s, f"expected one reading of {target} to move, got -{gone} +{came}")
        admin = self.admin_page()
        admin.goto(f"/kk/admin/jury/review/{self.state['review']}/reading/")
        self.check(s, admin, "reading-after-recusal")
        row = admin.locator("#readers tr", has=admin.locator("th")).filter(
            has_text=admin.evaluate(
                "t => t",
                shell(f"from projects.models import Project; print(Project.objects.get(pk={target}).title)"),
            )
        )
        self.note(
            s, "admin row of the recused project", row.first.inner_text() if row.count() else "not found"
        )
        admin.goto(f"/kk/admin/jury/review/{self.state['review']}/change/")
        self.note(s, "jurors module", admin.locator("#jurors").inner_text()[:600])
        self.state["recused"] = target

    # ---------------------------------------------------------------- step 3
    def step3(self):
        """The commission reads: one score through the juror's page, the rest by the services;
        the ranking shows "k of N readers"; the shortlist applied in the admin."""
        s = "3"
        email = "jury1@example.kz"
        page = self.user_page(email, JUROR_PASSWORD)
        page.goto("/kk/jury/")
        listed = re.findall(rf"/kk/jury/{FAIR}/projects/(\d+)/", page.content())
        first = next(p for p in listed if int(p) != self.state.get("recused"))
        row = page.locator("tr", has=page.locator(f"a[href$='/projects/{self.state.get('recused')}/']"))
        self.note(
            s, "dashboard row of the recused project", row.first.inner_text() if row.count() else "absent"
        )
        page.goto(f"/kk/jury/{FAIR}/projects/{first}/")
        for group in page.locator("main form fieldset").all():
            radios = group.locator("input[type=radio]")
            if radios.count():
                group.locator("label").nth(max(0, radios.count() - 3)).click()
        page.fill("textarea >> nth=0", "Жақсы дайындалған жоба.")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        self.note(s, "juror page save", f"{page.url} / {page.locator('.alert').all_inner_texts()}")
        self.check(s, page, "after-score")
        # Stand-in for the jurors' reading: every other assigned reading scored through
        # jury.services.evaluation_save, marks seeded so the ranking has a spread; two left unscored.
        out = shell(f"""
import random
from jury import services
from jury.models import ReadingAssignment, Evaluation
rng = random.Random(16)
rows = list(ReadingAssignment.objects.filter(juror__review__fair__slug='{FAIR}')
            .select_related('juror__review', 'project').order_by('pk'))
skipped, saved = [], 0
for row in rows:
    if Evaluation.objects.filter(juror=row.juror, project=row.project).exists():
        continue
    if len(skipped) < 2 and row.project_id % 7 == 0:
        skipped.append((row.juror.user.email, row.project_id)); continue
    base = 3 + row.project_id % 7
    answers = {{c.pk: max(1, min(c.scale_max, base + rng.randint(-1, 1))) for c in row.juror.review.criteria.all()}}
    services.evaluation_save(juror=row.juror, project=row.project, answers=answers, comment='walk16')
    saved += 1
print(saved, skipped)
""")
        self.note(s, "scored by evaluation_save (saved, left unscored)", out)
        admin = self.admin_page()
        review = self.state["review"]
        admin.goto(f"/kk/admin/jury/review/{review}/change/")
        admin.click(f"a[href$='/review/{review}/ranking/']")
        admin.wait_for_load_state()
        self.check(s, admin, "ranking")
        body = admin.locator("#content-main").inner_text()
        self.note(
            s, "D8 kk ranking: lines with 'бағалады'", [x for x in body.splitlines() if "бағалады" in x][:3]
        )
        self.note(
            s,
            "D8 kk ranking: 'қазының' / 'оқушы' occurrences",
            f"{body.count('қазының')} / {body.lower().count('оқушы')}",
        )
        if "оқушы" in body.lower() or "қазының" not in body:
            self.defect(s, "D8: the Kazakh ranking page still says 'оқушы' or lacks 'қазының'")
        readers = admin.eval_on_selector_all(
            "table tbody tr", "rows => rows.map(r => r.innerText.replace(/\\s+/g, ' ').slice(0, 160))"
        )
        self.note(s, "ranking rows (first 5)", readers[:5])
        self.note(
            s, "ranking rows with a reader missing", [r for r in readers if re.search(r"\b1 .*2\b", r)][:4]
        )
        admin.click(f"a[href$='/review/{review}/shortlist/']")
        admin.wait_for_load_state()
        self.check(s, admin, "shortlist")
        admin.fill("#id_top_n", "8")
        admin.click("form[method=get] input[type=submit]")
        admin.wait_for_load_state()
        self.check(s, admin, "shortlist-preview")
        button = admin.locator("input[name=apply]")
        self.note(s, "apply button", button.get_attribute("value"))
        button.click()
        admin.wait_for_load_state()
        self.note(s, "after apply", f"{admin.url} / {admin.locator('.messagelist').all_inner_texts()}")
        self.check(s, admin, "after-shortlist")
        # D7: the review's page leads on to the presentation round.
        admin.goto(f"/kk/admin/jury/review/{review}/change/")
        link = admin.locator("a[href*='/presentationround/open/']")
        self.note(
            s,
            "D7 review page: open-round links",
            link.evaluate_all("a => a.map(x => [x.textContent, x.getAttribute('href')])"),
        )
        if not link.count():
            self.defect(s, f"D7: no 'Open a presentation round' link on {admin.url}")
        self.check(s, admin, "review-after-shortlist")
        ru = self.admin_page(lang="ru")
        ru.goto(f"/ru/admin/jury/review/{review}/ranking/")
        self.check(s, ru, "ranking", lang="ru")
        body = ru.locator("#content-main").inner_text()
        self.note(
            s,
            "D8 ru ranking: lines with 'назначенных'",
            [x for x in body.splitlines() if "назначенных" in x][:3],
        )
        if "назначенных" not in body:
            self.defect(s, "D8: the Russian ranking page lacks '... из ... назначенных'")
        ru.goto(f"/ru/admin/jury/review/{review}/shortlist/?top_n=8")
        self.check(s, ru, "shortlist", lang="ru")
        print(
            shell(f"""
from projects.models import Project
print(list(Project.objects.filter(fair__slug='{FAIR}', state='finalist').values_list('pk', 'organisation_id', 'title')))
""")
        )

    # ---------------------------------------------------------------- step 4
    def step4(self):
        """A presentation round opened in the admin, its schedule proposed and applied; the
        NGOs' e-mails with .ics; the NGO's .ics parsed; the NGOs answer; a slot moved/swapped."""
        s = "4"
        review = self.state["review"]
        # Stand-in: only one finalist NGO of the demo has an account (ngo3, English). Give the
        # Kazakh and Russian demo users a seat in other finalists' NGOs, as their team would.
        out = shell(f"""
from projects.models import Membership, Project, Organisation
from django.contrib.auth import get_user_model
U = get_user_model()
fin = list(Project.objects.filter(fair__slug='{FAIR}', state='finalist').exclude(organisation_id=3).order_by('pk'))
seats = {{'ngo1@example.kz': fin[0:3], 'ngo2@example.kz': fin[3:5]}}
for email, projects in seats.items():
    for p in projects:
        Membership.objects.get_or_create(user=U.objects.get(email=email), organisation=p.organisation)
    print(email, [p.pk for p in projects])
""")
        self.note(s, "memberships added (stand-in)", out)
        # Would the form take a first day in the past? (checked without saving)
        past = shell(f"""
from presentations.admin.forms import RoundOpenForm
f = RoundOpenForm(data={{'review': {review}, 'first_day': '2026-11-30', 'days': 1, 'day_starts_at': '10:00',
    'day_ends_at': '18:00', 'slot_minutes': 15, 'gap_minutes': 5, 'reading_weight': 40, 'copy_reading_criteria': 'on'}})
print(f.is_valid(), dict(f.errors))
""")
        self.note(s, "open form with a first day 2 days ago: valid?", past)
        page = self.admin_page()
        page.goto(f"/kk/admin/jury/review/{review}/ranking/")
        self.note(
            s,
            "link from the ranking/review to open a presentation round",
            page.locator("a[href*='presentationround']").count(),
        )
        page.goto("/kk/admin/")
        self.check(s, page, "admin-index")
        page.goto("/kk/admin/presentations/presentationround/")
        self.check(s, page, "round-list")
        # D7: the review's page leads to the open form, the review chosen already.
        page.goto(f"/kk/admin/jury/review/{review}/change/")
        page.click("a[href*='/presentationround/open/']")
        page.wait_for_load_state()
        self.check(s, page, "round-open")
        chosen = page.locator("#id_review").input_value()
        self.note(s, "D7 open form: review preselected (value / review)", f"{chosen} / {review}")
        if chosen != str(review):
            self.defect(s, f"D7: the open form has review {chosen!r} chosen, not {review}")
        today = shell("from django.utils import timezone; print(timezone.localdate())")
        now_local = shell("from django.utils import timezone; print(timezone.localtime().strftime('%H:%M'))")
        self.note(s, "today, now (Almaty)", f"{today} {now_local}")
        page.fill("#id_first_day", today)
        page.fill("#id_days", "3")
        page.fill("#id_day_starts_at", "20:00")
        page.fill("#id_day_ends_at", "23:55")
        page.fill("#id_room", "Үлкен зал")
        page.click("form input[type=submit]")
        page.wait_for_load_state()
        self.note(
            s,
            "after open",
            f"{page.url} / {page.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        self.state["round"] = rnd = int(re.search(r"presentationround/(\d+)/", page.url).group(1))
        if now_local >= "20:00":
            # D5: 20:00 today has passed; the schedule page must say so and offer no "apply".
            problem = page.locator("#schedule-problem")
            self.note(
                s,
                "D5 schedule from 20:00 (passed): problem / apply buttons",
                f"{problem.all_inner_texts()} / {page.locator('input[name=apply]').count()}",
            )
            if not problem.count() or page.locator("input[name=apply]").count():
                self.defect(s, "D5: a schedule starting in the past is not refused on the schedule page")
            self.check(s, page, "schedule-in-the-past")
            ru = self.admin_page(lang="ru")
            ru.goto(f"/ru/admin/presentations/presentationround/{rnd}/schedule/")
            self.note(s, "D5 ru problem", ru.locator("#schedule-problem").all_inner_texts())
            self.check(s, ru, "schedule-in-the-past", lang="ru")
        # D7, once opened: the review's link goes to the round.
        page.goto(f"/kk/admin/jury/review/{review}/change/")
        self.note(
            s,
            "D7 review page after opening: round links",
            page.locator("a[href*='/presentationround/']").evaluate_all(
                "a => a.map(x => [x.textContent, x.getAttribute('href')])"
            ),
        )
        # D1: the round's page saves unchanged, then with the first hour a few minutes ahead.
        page.goto(f"/kk/admin/presentations/presentationround/{rnd}/change/")
        self.check(s, page, "round-change-fresh")
        page.click("input[name=_continue]")
        page.wait_for_load_state()
        self.note(
            s,
            "D1 round saved unchanged",
            f"{page.url} / {page.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        starts = shell(
            "from django.utils import timezone; from datetime import timedelta; "
            "print((timezone.localtime() + timedelta(minutes=4)).strftime('%H:%M'))"
        )
        page.fill("#id_day_starts_at", starts)
        page.click("input[name=_continue]")
        page.wait_for_load_state()
        self.note(
            s,
            f"D1 round saved with day_starts_at {starts}",
            f"{page.url} / {page.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        self.state["day_starts_at"] = starts
        page.goto(f"/kk/admin/presentations/presentationround/{rnd}/schedule/")
        self.check(s, page, "schedule-proposal")
        rows = page.eval_on_selector_all(
            "table tbody tr", "rs => rs.map(r => r.innerText.replace(/\\s+/g, ' '))"
        )
        self.note(s, "proposed slots", f"{len(rows)}; first {rows[:3]}; last {rows[-1:]}")
        page.click("input[name=apply]")
        page.wait_for_load_state()
        applied = page.locator(".messagelist li").all_inner_texts()
        self.note(s, "after apply", f"{page.url} / {applied}")
        self.check(s, page, "schedule-applied")
        self.untold_check(s, "apply", applied, None)
        mails = shell("""
from fairportal.models import OutgoingMail
for m in OutgoingMail.objects.filter(template__startswith='presentations').order_by('pk'):
    print(m.pk, m.template, m.recipient, m.language, m.status, m.subject, m.attachments)
""")
        self.note(s, "OutgoingMail rows of the round", mails)
        page.goto("/kk/admin/fairportal/outgoingmail/")
        self.check(s, page, "outgoing-mail")
        # The .ics in the console e-mails.
        import email as email_lib
        from email import policy

        log = Path(self.shots / "server.log").read_text(errors="replace")
        found = []
        for block in re.split(r"\n-{79}\n", log):
            start = block.find("Content-Type:")
            if start < 0 or "text/calendar" not in block:
                continue
            message = email_lib.message_from_string(block[start:].lstrip(), policy=policy.default)
            for part in message.iter_attachments():
                found.append(
                    (
                        message["To"],
                        message["Subject"],
                        part.get_filename(),
                        part.get_content_type(),
                        part.get_payload(decode=True) if part.get_content_type() == "text/calendar" else b"",
                    )
                )
        self.note(s, "console mails with text/calendar", [(a, b, c, d) for a, b, c, d, _ in found])
        if found:
            Path(self.shots / "mail-attachment.ics").write_bytes(found[0][4])
        self.state["mail_ics"] = bool(found)

    def untold_check(self, s, what, messages, slot_ids):
        """D3: the admin names the NGOs (of these slots; None: the whole round) that have no
        member account, so no e-mail reached them."""
        names = json.loads(
            shell(f"""
import json
from presentations.models import Slot
from projects.models import Membership
slots = Slot.objects.filter(round_id={self.state["round"]}).select_related('project__organisation')
ids = {slot_ids!r}
if ids is not None:
    slots = slots.filter(pk__in=ids)
print(json.dumps(sorted({{str(x.project.organisation) for x in slots
    if not Membership.objects.filter(organisation_id=x.project.organisation_id).exists()}})))
""")
        )
        text = " ".join(messages)
        missing = [n for n in names if n not in text]
        self.note(
            s,
            f"D3 {what}: NGOs without an account (DB) / named in the messages",
            f"{len(names)} / {len(names) - len(missing)}",
        )
        if missing:
            self.defect(s, f"D3 {what}: not named though no account: {missing}")

    def ics_checks(self, s, raw: bytes, slot_id: int | None, label: str):
        """Parse with icalendar; read the raw text for CRLF, folding, UID, DTSTAMP, SEQUENCE."""
        import icalendar

        cal = icalendar.Calendar.from_ical(raw)
        event = next(iter(cal.walk("VEVENT")))
        if slot_id is None:
            slot_id = int(re.search(r"presentation-slot-(\d+)@", str(event.get("UID"))).group(1))
        start = event.decoded("DTSTART")
        truth = shell(f"""
from presentations.models import Slot
from zoneinfo import ZoneInfo
slot = Slot.objects.get(pk={slot_id})
print(slot.starts_at.astimezone(ZoneInfo('Asia/Almaty')).isoformat(), slot.sequence if hasattr(slot, 'sequence') else '')
""")
        from zoneinfo import ZoneInfo

        local = start.astimezone(ZoneInfo("Asia/Almaty")).isoformat()
        lines = raw.split(b"\r\n")
        long_lines = [len(x) for x in lines if len(x) > 75]
        bare_lf = raw.replace(b"\r\n", b"").count(b"\n")
        self.note(
            s,
            f"{label} ics",
            {
                "DTSTART raw": next((x.decode() for x in lines if x.startswith(b"DTSTART")), None),
                "DTSTART Almaty": local,
                "slot starts (Almaty), sequence": truth,
                "matches": local == truth.split()[0],
                "UID": str(event.get("UID")),
                "DTSTAMP": event.get("DTSTAMP").to_ical().decode() if event.get("DTSTAMP") else None,
                "SEQUENCE": event.get("SEQUENCE"),
                "CRLF lines": len(lines),
                "bare LF": bare_lf,
                "lines over 75 octets": long_lines,
                "ends with CRLF": raw.endswith(b"\r\n"),
                "folded continuation lines": sum(1 for x in lines if x.startswith(b" ")),
            },
        )
        if local != truth.split()[0]:
            self.defect(s, f"{label} ics DTSTART {local} != slot {truth}")
        if label == "e-mailed":
            # Read back from the console backend's log: its line ends and 8-bit bytes are not the
            # file's, so only the parse and DTSTART are checked here (the download checks the rest).
            return
        # A fold must not cut a UTF-8 character in two.
        try:
            for x in lines:
                x.decode("utf-8")
        except UnicodeDecodeError as error:
            self.defect(s, f"{label} ics: a folded line is not valid UTF-8 on its own ({error})")

    def step4b(self):
        """The NGOs: .ics from the NGO page, confirm one slot, ask for another time on another;
        the organiser sees both answers and moves/swaps a slot."""
        s = "4b"
        if Path(self.shots / "mail-attachment.ics").exists():
            self.ics_checks(s, Path(self.shots / "mail-attachment.ics").read_bytes(), None, "e-mailed")
        slots = json.loads(
            shell(f"""
import json
from presentations.models import Slot
print(json.dumps({{s.project_id: s.pk for s in Slot.objects.filter(round__review__fair__slug='{FAIR}')}}))
""")
        )
        # The finalists of the three demo NGO accounts (ngo3's own; ngo1's seat from step 4), and
        # one NGO with no account, to be moved.
        who = json.loads(
            shell(f"""
import json
from projects.models import Membership, Project
fin = Project.objects.filter(fair__slug='{FAIR}', state='finalist').order_by('pk')
def of(email):
    return [p.pk for p in fin if Membership.objects.filter(organisation_id=p.organisation_id, user__email=email).exists()]
print(json.dumps({{'ngo3': of('ngo3@example.kz'), 'ngo1': of('ngo1@example.kz'),
    'none': [p.pk for p in fin if not Membership.objects.filter(organisation_id=p.organisation_id).exists()]}}))
""")
        )
        p3, p1, pm = who["ngo3"][0], who["ngo1"][0], who["none"][-1]
        self.note(s, "projects: ngo3's, ngo1's, one with no account", f"{p3}, {p1}, {pm}")
        ngo = self.user_page("ngo3@example.kz", NGO_PASSWORD, device=PHONE, lang="en")
        ngo.goto(f"/en/ngo/projects/{p3}/")
        link = ngo.locator(f"a[href$='/projects/{p3}/presentation/']")
        self.note(s, "link from the NGO's project page to its presentation", link.count())
        ngo.goto(f"/en/ngo/projects/{p3}/presentation/")
        self.check(s, ngo, "ngo-slot", lang="en")
        with ngo.expect_download() as info:
            ngo.click("a[href$='presentation.ics']")
        raw = Path(info.value.path()).read_bytes()
        Path(self.shots / f"ngo-{p3}.ics").write_bytes(raw)
        self.note(s, "downloaded file name", info.value.suggested_filename)
        self.ics_checks(s, raw, slots[str(p3)], "downloaded")
        ngo.click("button.btn-success")
        ngo.wait_for_load_state()
        self.note(s, "ngo3 confirm", ngo.locator(".alert").all_inner_texts())
        self.check(s, ngo, "ngo-slot-confirmed", lang="en")
        # ngo1 (Kazakh) asks for another time on its project, on a phone.
        kk = self.user_page("ngo1@example.kz", NGO_PASSWORD, device=PHONE, lang="kk")
        kk.goto(f"/kk/ngo/projects/{p1}/presentation/")
        self.check(s, kk, "ngo-slot")
        kk.click("form:has(textarea) button[type=submit]")
        kk.wait_for_load_state()
        self.note(s, "ask without a note", kk.locator(".alert, .invalid-feedback").all_inner_texts())
        kk.fill("textarea", "Біздің жоба жетекшісі 3 желтоқсанда іссапарда болады, 4 желтоқсанды сұраймыз.")
        kk.click("form:has(textarea) button[type=submit]")
        kk.wait_for_load_state()
        self.note(s, "ngo1 ask for another time", kk.locator(".alert").all_inner_texts())
        self.check(s, kk, "ngo-slot-asked")
        # The organiser.
        admin = self.admin_page()
        admin.goto(f"/kk/admin/presentations/slot/?round__id__exact={self.state['round']}")
        self.check(s, admin, "slots")
        # D4: the rows' checkbox labels (the slot's __str__) in Almaty time.
        labels = admin.eval_on_selector_all(
            "#result_list input.action-select", "xs => xs.map(x => [x.value, x.getAttribute('aria-label')])"
        )
        truth = json.loads(
            shell(f"""
import json
from django.utils import timezone
from presentations.models import Slot
print(json.dumps({{x.pk: timezone.localtime(x.starts_at).strftime('%Y-%m-%d %H:%M') for x in Slot.objects.filter(round_id={self.state["round"]})}}))
""")
        )
        wrong = [(v, lab) for v, lab in labels if not (lab or "").rstrip().endswith(truth.get(v, "?"))]
        self.note(
            s, "D4 row labels (first 2) / not in Almaty time", f"{labels[:2]} / {len(wrong)} of {len(labels)}"
        )
        if wrong or not labels:
            self.defect(s, f"D4: slot row labels not in Almaty time: {wrong[:3]}")
        rows = admin.eval_on_selector_all(
            "#result_list tbody tr", "rs => rs.map(r => r.innerText.replace(/\\s+/g, ' '))"
        )
        self.note(s, "slot rows with an answer", [r for r in rows if "Safe Home" in r or "Белсенді" in r])
        admin.goto(f"/kk/admin/presentations/slot/{slots[str(p1)]}/change/")
        self.check(s, admin, "slot-change")
        self.note(s, "slot of ngo1's project page", admin.locator("#content-main").inner_text()[:700])
        admin.click(f"a[href$='/slot/{slots[str(p1)]}/swap/']")
        admin.wait_for_load_state()
        self.check(s, admin, "slot-swap")
        options = admin.eval_on_selector_all("#id_other option", "o => o.map(x => x.textContent)")
        self.note(s, "swap choices", f"{len(options)}: {options[:3]} ... {options[-2:]}")
        self.note(s, "D4 swap page text", admin.locator("#content-main").inner_text()[:500])
        local = {v[8:10] + "." + v[5:7] + " " + v[11:] for v in truth.values()}
        utc_like = [o for o in options if not o.startswith("---") and o.split(" — ")[0] not in local]
        if utc_like:
            self.defect(s, f"D4: swap choices not in Almaty time: {utc_like[:3]}")
        other = admin.eval_on_selector_all("#id_other option", "o => o.map(x => x.value)")[-1]
        admin.select_option("#id_other", index=len(options) - 1)
        admin.click("#content-main form input[type=submit]")
        admin.wait_for_load_state()
        swapped = admin.locator(".messagelist li").all_inner_texts()
        self.note(
            s, "after swap", f"{admin.url} / {swapped} / {admin.locator('.errornote').all_inner_texts()}"
        )
        self.untold_check(s, "swap", swapped, [slots[str(p1)], int(other)])
        admin.goto(f"/kk/admin/presentations/slot/{slots[str(pm)]}/move/")
        self.check(s, admin, "slot-move")
        self.note(s, "move form", admin.locator("#content-main form").inner_text()[:400])
        admin.fill("#id_starts_at", "2026-12-04T22:40")
        admin.click("#content-main form input[type=submit]")
        admin.wait_for_load_state()
        self.note(
            s,
            "after move",
            f"{admin.url} / {admin.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        self.check(s, admin, "after-move")
        self.untold_check(s, "move", admin.locator(".messagelist li").all_inner_texts(), [slots[str(pm)]])
        self.note(
            s,
            "mails after the changes",
            shell("""
from fairportal.models import OutgoingMail
for m in OutgoingMail.objects.filter(template__startswith='presentations').order_by('pk')[6:]:
    print(m.pk, m.template, m.recipient, m.language, m.status, m.subject)
"""),
        )
        ru = self.admin_page(lang="ru")
        for name, url in [
            ("slots", f"/ru/admin/presentations/slot/?round__id__exact={self.state['round']}"),
            ("schedule", f"/ru/admin/presentations/presentationround/{self.state['round']}/schedule/"),
            ("round-change", f"/ru/admin/presentations/presentationround/{self.state['round']}/change/"),
            ("slot-change", f"/ru/admin/presentations/slot/{slots[str(p1)]}/change/"),
        ]:
            ru.goto(url)
            self.check(s, ru, name, lang="ru")
        self.state["slots"] = slots

    # ---------------------------------------------------------------- step 5
    def step5(self):
        """A juror's presentation programme at 390 px: score a started slot, refuse a future
        one, declare a conflict on another; ru too."""
        s = "5"
        import time

        # The first slot begins a few minutes after step 4 (see the header): wait for it.
        wait = float(
            shell(f"""
from django.utils import timezone
from presentations.models import Slot
first = Slot.objects.filter(round__review__fair__slug='{FAIR}').order_by('starts_at').first()
print(max(0, (first.starts_at - timezone.now()).total_seconds()))
""")
        )
        self.note(s, "waited for the first slot to begin (s)", round(wait + 5))
        time.sleep(wait + 5)
        page = self.user_page("jury1@example.kz", JUROR_PASSWORD)
        self.note(s, "D6 jury1 logged in with the demo password, landing", page.url)
        page.goto("/kk/jury/")
        link = page.locator("a[href*='/jury/presentations/']")
        self.note(s, "programme link on the juror's dashboard", link.count())
        link.first.click()
        page.wait_for_load_state()
        self.check(s, page, "programme")
        self.note(s, "programme (today)", page.locator("main").inner_text()[:900])
        self.note(s, "programme links today", page.locator("a.programme-link").count())
        started = json.loads(
            shell(f"""
import json
from django.utils import timezone
from presentations.models import Slot
now = timezone.now()
print(json.dumps({{'started': [x.pk for x in Slot.objects.filter(round__review__fair__slug='{FAIR}', starts_at__lte=now).order_by('starts_at')],
                  'future': [x.pk for x in Slot.objects.filter(round__review__fair__slug='{FAIR}', starts_at__gt=now).order_by('starts_at')]}}))
""")
        )
        self.note(s, "slots started / future now", f"{len(started['started'])} / {len(started['future'])}")
        first = started["started"][0]
        page.goto(f"/kk/jury/presentations/{FAIR}/{first}/")
        self.check(s, page, "slot-started")
        for group in page.locator("main form fieldset").all():
            labels = group.locator("label")
            if labels.count():
                labels.nth(labels.count() - 2).click()
        page.fill("main form textarea", "Таныстырылым нақты, сұрақтарға жақсы жауап берді.")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        self.note(s, "after scoring", f"{page.url} / {page.locator('.alert').all_inner_texts()}")
        self.check(s, page, "programme-after-score")
        future = started["future"][0]
        page.goto(f"/kk/jury/presentations/{FAIR}/{future}/")
        self.note(s, "future slot page", page.locator("main").inner_text()[:400])
        self.check(s, page, "slot-future")
        other = started["future"][1]
        page.goto(f"/kk/jury/presentations/{FAIR}/{other}/")
        page.click(f"a[href$='/{other}/recuse/']")
        page.wait_for_load_state()
        self.check(s, page, "recuse")
        page.fill("main form textarea", "Бұл ҰҚҰ-ның директоры — менің жақын туысым.")
        boxes = page.locator("main form input[type=checkbox]")
        if boxes.count():
            boxes.check()
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        self.note(s, "after presentation recusal", f"{page.url} / {page.locator('.alert').all_inner_texts()}")
        self.check(s, page, "after-recuse")
        page.goto(f"/kk/jury/presentations/{FAIR}/{other}/")
        self.check(s, page, "slot-recused")
        ru = self.user_page("jury1@example.kz", JUROR_PASSWORD, lang="ru")
        ru.goto(f"/ru/jury/presentations/{FAIR}/")
        self.check(s, ru, "programme", lang="ru")
        ru.goto(f"/ru/jury/presentations/{FAIR}/{first}/")
        self.check(s, ru, "slot-scored", lang="ru")
        ru.goto(f"/ru/jury/presentations/{FAIR}/{future}/")
        self.check(s, ru, "slot-future", lang="ru")
        # Stand-in: the other jurors score every started presentation through the services.
        self.state["started"] = started

    # ---------------------------------------------------------------- step 6
    def step6a(self):
        """Stand-in for the three days: every juror who hears a presentation scores it through
        presentations.scoring.presentation_evaluation_save with now = 5 minutes into its slot.
        Then the organiser records today's outcomes and sets the weights and the closing time."""
        s = "6"
        out = shell(f"""
import random
from datetime import timedelta
from django.core.exceptions import PermissionDenied, ValidationError
from presentations import scoring
from presentations.models import Slot, PresentationEvaluation
from jury.models import Juror
rng = random.Random(6)
saved, refused = 0, {{}}
slots = list(Slot.objects.filter(round__review__fair__slug='{FAIR}').select_related('round', 'project').order_by('starts_at'))
jurors = list(Juror.objects.filter(review__fair__slug='{FAIR}').select_related('user'))
for slot in slots:
    criteria = list(slot.round.criteria.all())
    for juror in jurors:
        if PresentationEvaluation.objects.filter(juror=juror, slot=slot).exists():
            continue
        base = 4 + (slot.project_id * 3) % 6
        answers = {{c.pk: max(1, min(c.scale_max, base + rng.randint(-1, 1))) for c in criteria}}
        try:
            scoring.presentation_evaluation_save(juror=juror, slot=slot, answers=answers, comment='walk16',
                                                 now=slot.starts_at + timedelta(minutes=5))
            saved += 1
        except (PermissionDenied, ValidationError) as error:
            key = type(error).__name__ + ' ' + ' '.join(getattr(error, 'messages', [str(error)]))
            refused[key] = refused.get(key, 0) + 1
print(saved, refused, len(slots), len(jurors))
""")
        self.note(s, "presentation scores by the services (saved, refused, slots, jurors)", out)
        admin = self.admin_page()
        rnd = self.state["round"]
        admin.goto(f"/kk/admin/presentations/slot/?round__id__exact={rnd}")
        # Outcomes: today's first slot presented; one on a later day, to see what the admin says.
        first_row = admin.locator("#result_list tbody tr").first
        first_row.locator("input.action-select").check()
        admin.select_option("select[name=action]", index=1)
        self.note(s, "action chosen", admin.locator("select[name=action] option:checked").inner_text())
        admin.click("button[name=index]")
        admin.wait_for_load_state()
        self.note(s, "outcome today", admin.locator(".messagelist").all_inner_texts())
        last_row = admin.locator("#result_list tbody tr").last
        last_row.locator("input.action-select").check()
        admin.select_option("select[name=action]", index=1)
        admin.click("button[name=index]")
        admin.wait_for_load_state()
        self.note(s, "outcome on a later day", admin.locator(".messagelist").all_inner_texts())
        self.check(s, admin, "slots-outcomes")
        admin.goto(f"/kk/admin/presentations/presentationround/{rnd}/change/")
        self.check(s, admin, "round-change")
        fields = admin.eval_on_selector_all(
            "#presentationround_form input[name], #presentationround_form select[name]",
            "xs => xs.filter(x => x.type !== 'hidden').map(x => x.name + '=' + x.value)",
        )
        self.note(s, "round form fields", [f for f in fields if not f.startswith("criteria-")])
        # D1: saves unchanged first.
        admin.click("input[name=_continue]")
        admin.wait_for_load_state()
        self.note(
            s,
            "D1 round saved unchanged",
            f"{admin.url} / {admin.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        # D1/D2: programme public, weights 40/60, closing two minutes ahead (whole minutes).
        admin.fill("input[name=reading_weight]", "40")
        admin.fill("input[name=presentation_weight]", "60")
        admin.check("input[name=programme_public]")
        closes = shell(
            "from django.utils import timezone; from datetime import timedelta; print((timezone.localtime() + timedelta(minutes=2)).strftime('%Y-%m-%dT%H:%M'))"
        )
        admin.fill("input[name=scoring_closes_at]", closes)
        self.state["closes"] = closes
        admin.click("input[name=_continue]")
        admin.wait_for_load_state()
        self.note(
            s,
            "round saved",
            f"{admin.url} / {admin.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        self.check(s, admin, "round-saved")
        self.note(
            s,
            "closing time now",
            shell(
                f"from presentations.models import PresentationRound as R; r = R.objects.get(pk={rnd}); print(r.scoring_closes_at, r.reading_weight, r.presentation_weight, r.programme_public)"
            ),
        )
        shown = admin.locator("input[name=scoring_closes_at]").input_value()
        self.note(s, "D1 closing time shown after save / typed (Almaty)", f"{shown} / {closes}")
        if shown != closes:
            self.defect(s, f"D1: the round's page shows the closing time {shown}, typed {closes} (Almaty)")
        ru = self.admin_page(lang="ru")
        ru.goto(f"/ru/admin/presentations/presentationround/{rnd}/change/")
        self.note(s, "D1 ru closing time shown", ru.locator("input[name=scoring_closes_at]").input_value())
        self.check(s, ru, "round-saved", lang="ru")

    def step6b(self):
        """A ceremony, the final ranking (after the closing time set on the round's page in 6a)
        with one row checked by hand, the jury prizes proposed and given."""
        import time

        s = "6"
        rnd = self.state["round"]
        left = float(
            shell(
                f"from django.utils import timezone; from presentations.models import PresentationRound as R; "
                f"print((R.objects.get(pk={rnd}).scoring_closes_at - timezone.now()).total_seconds())"
            )
        )
        admin = self.admin_page()
        # The ceremony: none for this fair yet.
        admin.goto("/kk/admin/awards/ceremony/add/")
        self.check(s, admin, "ceremony-add")
        fair_options = admin.eval_on_selector_all(
            "#id_fair option", "o => o.map(x => [x.value, x.textContent])"
        )
        fair_value = next(v for v, t in fair_options if "Астана" in t)
        admin.select_option("#id_fair", value=fair_value)
        for name, value in (("held_at_0", "05.12.2026"), ("held_at_1", "15:00")):
            if admin.locator(f"input[name={name}]").count():
                admin.fill(f"input[name={name}]", value)
        if admin.locator("input[name=held_at]").count():
            admin.fill("input[name=held_at]", "2026-12-05T15:00")
        for name, value in (
            ("venue_kk", "Тәуелсіздік сарайы"),
            ("city_kk", "Астана"),
            ("venue_ru", "Дворец Независимости"),
            ("city_ru", "Астана"),
        ):
            if admin.locator(f"[name={name}]").count():
                admin.fill(f"[name={name}]", value)
        admin.click("input[name=_continue]")
        admin.wait_for_load_state()
        self.note(
            s,
            "ceremony saved",
            f"{admin.url} / {admin.locator('.messagelist, .errornote, .errorlist').all_inner_texts()}",
        )
        ceremony = int(re.search(r"ceremony/(\d+)/change", admin.url).group(1))
        self.state["ceremony"] = ceremony
        self.check(s, admin, "ceremony-change")
        self.note(
            s,
            "links on the ceremony page",
            admin.eval_on_selector_all(
                "#content-main a[href*='final-ranking'], .object-tools a",
                "a => a.map(x => x.textContent.trim())",
            ),
        )
        admin.goto(f"/kk/admin/awards/ceremony/{ceremony}/final-ranking/")
        self.note(
            s, "final ranking while scoring open", admin.locator("#content-main p.help").all_inner_texts()
        )
        self.note(s, "propose link while open", admin.locator("a[href$='/jury-prizes/']").count())
        time.sleep(max(0, left) + 5)
        admin.goto(f"/kk/admin/awards/ceremony/{ceremony}/")
        admin.goto(f"/kk/admin/awards/ceremony/{ceremony}/final-ranking/")
        self.check(s, admin, "final-ranking")
        rows = admin.eval_on_selector_all(
            "#content-main .module table tbody tr",
            "rs => rs.map(r => [...r.children].map(c => c.innerText.replace(/\\s+/g, ' ').trim()))",
        )
        self.note(s, "final ranking rows", len(rows))
        self.note(s, "first rows", rows[:4])
        self.note(s, "rows with a note", [r for r in rows if r[-1]])
        # The arithmetic, by hand, from the stored scores (the page's stated rules).
        hand = shell(f"""
from decimal import Decimal as D
from jury.models import Evaluation, Review
from presentations.models import PresentationEvaluation, PresentationRound
from projects.models import Project
r = PresentationRound.objects.get(pk={rnd})
review = r.review
print('normalisation', review.normalisation)
for p in Project.objects.filter(fair=review.fair, state='finalist').order_by('pk'):
    per = []
    for e in Evaluation.objects.filter(juror__review=review, project=p).prefetch_related('scores__criterion'):
        vals = [(s.criterion.weight, s.value) for s in e.scores.all() if s.value is not None]
        per.append(sum(D(w) * v for w, v in vals) / sum(D(w) for w, v in vals))
    reading = sum(per) / len(per)
    reading100 = (reading - 1) / 9 * 100
    pres = []
    for e in PresentationEvaluation.objects.filter(slot__round=r, slot__project=p).prefetch_related('scores__criterion'):
        vals = [(s.criterion.weight, (D(s.value) - 1) / (s.criterion.scale_max - 1) * 100) for s in e.scores.all()]
        pres.append(sum(D(w) * v for w, v in vals) / sum(D(w) for w, v in vals))
    p100 = sum(pres) / len(pres) if pres else None
    comb = (D(r.reading_weight) * reading100 + D(r.presentation_weight) * p100) / 100 if pres else None
    print(p.pk, repr(p.title), round(reading, 4), round(reading100, 2), len(pres), p100 and round(p100, 2), comb and round(comb, 2))
""")
        self.note(
            s,
            "by hand (pk, title, reading 1-10, reading 0-100, presentation jurors, presentation 0-100, combined)",
            hand,
        )
        admin.click("a[href$='/jury-prizes/']")
        admin.wait_for_load_state()
        self.check(s, admin, "jury-prizes")
        self.note(
            s,
            "proposal",
            admin.eval_on_selector_all(
                "#content-main table tbody tr", "rs => rs.map(r => r.innerText.replace(/\\s+/g, ' '))"
            ),
        )
        button = admin.locator("#content-main input[type=submit]")
        self.note(s, "give button", button.get_attribute("value"))
        button.click()
        admin.wait_for_load_state()
        self.note(s, "after give", f"{admin.url} / {admin.locator('.messagelist').all_inner_texts()}")
        self.check(s, admin, "after-give")
        ru = self.admin_page(lang="ru")
        for name, url in (
            ("final-ranking", f"/ru/admin/awards/ceremony/{ceremony}/final-ranking/"),
            ("jury-prizes", f"/ru/admin/awards/ceremony/{ceremony}/jury-prizes/"),
            ("ceremony-change", f"/ru/admin/awards/ceremony/{ceremony}/change/"),
        ):
            ru.goto(url)
            self.check(s, ru, name, lang="ru")
        self.note(
            s,
            "awards",
            shell(
                f"from awards.models import Award; print([(a.kind if hasattr(a, 'kind') else '', a.project_id, str(a)) for a in Award.objects.filter(ceremony_id={ceremony})])"
            ),
        )

    # ---------------------------------------------------------------- step 7
    def step7(self):
        """The public side at 390 px in kk/ru/en: the fair page's programme link, the programme
        (times in Almaty, who presented), axe."""
        s = "7"
        truth = json.loads(
            shell(f"""
import json
from zoneinfo import ZoneInfo
from presentations.models import Slot
print(json.dumps([[x.project.title, x.starts_at.astimezone(ZoneInfo('Asia/Almaty')).strftime('%H:%M'), x.outcome]
    for x in Slot.objects.filter(round__review__fair__slug='{FAIR}').select_related('project').order_by('starts_at')]))
""")
        )
        for lang in ("kk", "ru", "en"):
            page = self.context(PHONE).new_page()
            page.goto(f"/{lang}/fairs/{FAIR}/")
            self.check(s, page, "fair", lang=lang)
            link = page.locator("a[href$='/programme/']")
            self.note(s, f"{lang} programme link on the fair page", link.all_inner_texts())
            if not link.count():
                self.defect(s, f"{lang}: no programme link on {page.url}")
                continue
            link.first.click()
            page.wait_for_load_state()
            self.check(s, page, "programme", lang=lang)
            rows = page.eval_on_selector_all(
                "main table tbody tr",
                "rs => rs.map(r => [r.querySelector('th').innerText.trim(), r.querySelector('time').innerText.trim(),"
                " (r.querySelector('td[data-label]:last-child') || {innerText: ''}).innerText.trim()])",
            )
            summary = page.locator("#summary-title + p").all_inner_texts()
            self.note(s, f"{lang} summary", summary)
            self.note(s, f"{lang} first rows", rows[:3])
            wrong = [(r, t) for r, t in zip(rows, truth, strict=False) if r[1] != t[1] or r[0] != t[0]]
            self.note(
                s, f"{lang} rows / slots / mismatched times", f"{len(rows)} / {len(truth)} / {len(wrong)}"
            )
            if wrong:
                self.defect(s, f"{lang}: programme times differ from the slots: {wrong[:3]}")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            self.note(s, f"{lang} page width at 390", overflow)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8122")
    parser.add_argument("--shots", default="/tmp/walk16")  # noqa: S108 - screenshots for a reader
    parser.add_argument("--step", action="append", required=True)
    args = parser.parse_args()
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    password = re.search(r"^password: (.*)$", (ROOT / "var/local-admin.txt").read_text(), re.M).group(1)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        walk = Walk(browser, args.base, shots, password)
        try:
            for step in args.step:
                print(f"step {step}")
                getattr(walk, f"step{step}")()
        finally:
            walk.save()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
