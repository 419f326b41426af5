"""The organisers' fair dashboard on the admin's landing page (reports.dashboard)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jury.models import Evaluation, Recusal, Score
from projects.models import ProjectState, Region
from reports import charts, dashboard
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, CeremonyFactory
from tests.factories.jury import CriterionFactory, JurorFactory, ReviewFactory
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteCodeFactory, VoteFactory
from voting.models import Channel, DeliveryStatus, VotingAlert

pytestmark = pytest.mark.django_db


def admin_index(lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("admin:index")


@pytest.fixture
def small_fair():
    """A fair in public voting with two nominations, a juror, codes, votes, an alert and an award."""
    fair = FairFactory(
        in_voting=True, voting_channels=[Channel.EMAIL, Channel.SMS], title_en="Almaty fair 2026"
    )
    children = NominationFactory(fair=fair, title_en="Children", position=1)
    ecology = NominationFactory(fair=fair, title_en="Ecology", position=2)
    astana = Region.objects.get(code="astana")
    abai = Region.objects.get(code="abai")
    submitted_at = fair.submission_opens_at + timedelta(days=2)

    def project(state, nomination, region, when=submitted_at):
        return ProjectFactory(
            fair=fair,
            nomination=nomination,
            region=region,
            state=state,
            submitted_at=None if state == ProjectState.DRAFT else when,
        )

    project(ProjectState.DRAFT, children, astana)
    first = project(ProjectState.FINALIST, children, astana)
    second = project(ProjectState.FINALIST, children, abai, submitted_at + timedelta(days=1))
    project(ProjectState.NOT_SELECTED, ecology, abai, submitted_at + timedelta(days=1))
    winner = project(ProjectState.AWARDED, ecology, None, submitted_at + timedelta(days=1))

    review = ReviewFactory(fair=fair)
    criterion = CriterionFactory(review=review)
    juror = JurorFactory(review=review, user__full_name="Айжан Серікқызы")
    juror.finalised_at = timezone.now()
    juror.save()
    evaluation = Evaluation.objects.create(juror=juror, project=first)
    Score.objects.create(evaluation=evaluation, criterion=criterion, value=8)
    Recusal.objects.create(juror=juror, project=second, reason="My sister's fund")

    VoteCodeFactory(project=first, channel=Channel.SMS, delivery_status=DeliveryStatus.DELIVERED, used=True)
    VoteCodeFactory(project=first, channel=Channel.SMS, delivery_status=DeliveryStatus.FAILED)
    VoteCodeFactory(project=first, channel=Channel.SMS, delivery_status=DeliveryStatus.SENT)
    VoteCodeFactory(project=first, channel=Channel.EMAIL, used=True)

    today = timezone.localtime().replace(hour=12)
    VoteFactory(project=first, created_at=today - timedelta(days=2), channel=Channel.EMAIL)
    VoteFactory(project=first, created_at=today - timedelta(days=2), channel=Channel.SMS)
    VoteFactory(project=second, created_at=today, channel=Channel.EMAIL)
    VoteFactory(
        project=second,
        created_at=today,
        invalidated_at=timezone.now(),
        invalidation_reason="bought",
    )

    now = timezone.now()
    VotingAlert.objects.create(
        fair=fair, kind=VotingAlert.Kind.DOMAIN, key="spam.example", first_at=now, last_at=now, times=3
    )
    VotingAlert.objects.create(
        fair=fair,
        kind=VotingAlert.Kind.NETWORK,
        key="198.51.100.0/24",
        first_at=now,
        last_at=now,
        acknowledged_at=now,
    )

    ceremony = CeremonyFactory(fair=fair)
    AwardFactory(
        ceremony=ceremony,
        project=winner,
        kind="grant",
        nomination=ecology,
        place=1,
        title_kk="Грант",
        title_ru="Грант",
        grant_amount=2_000_000,
    )
    AwardFactory(
        ceremony=ceremony,
        project=winner,
        kind="special",
        nomination=ecology,
        title_kk="Алғыс",
        title_ru="Благодарность",
        grant_amount=500_000,
    )
    # Every finalist gets one: not a prize, so not counted among the awards or the winners.
    AwardFactory(
        ceremony=ceremony, project=first, kind="participant", title_kk="Қатысушы", title_ru="Участник"
    )
    return fair


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """{row heading: [cells]} of the table with this caption, as a reader sees them."""
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", html, re.S).group(1)
    table = re.sub(r"<thead>.*?</thead>", "", table, flags=re.S)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_dashboard_shows_the_fairs_numbers(client, organiser, small_fair):
    client.force_login(organiser)

    html = client.get(admin_index()).content.decode()

    assert "Almaty fair 2026" in html
    states = table_rows(html, "Projects by state now")
    assert states["Draft"] == ["1"]
    assert states["Finalist"] == ["2"]
    assert states["Not selected"] == ["1"]
    assert states["Winner"] == ["1"]
    assert states["Total"] == ["5"]
    # Submitted counts every project that was ever sent in, finalists and winners included.
    assert '<span class="fp-figure">4</span> submitted' in html

    nominations = table_rows(html, "Projects by nomination")
    assert nominations["Children"] == ["2", "2"]
    assert nominations["Ecology"] == ["2", "1"]

    regions = table_rows(html, "Submitted projects by region")
    assert regions["Astana"] == ["1"]
    assert regions["Abai Region"] == ["2"]
    assert regions["Almaty"] == ["0"]
    assert regions["region not given"] == ["1"]
    assert len(regions) == 21  # 17 regions, 3 cities and "not given"

    over_time = table_rows(html, "Projects submitted per day")
    first_day = (small_fair.submission_opens_at + timedelta(days=2)).astimezone(
        timezone.get_current_timezone()
    )
    assert over_time[first_day.date().isoformat()] == ["1", "1"]
    assert over_time[(first_day + timedelta(days=1)).date().isoformat()] == ["3", "4"]

    jury = table_rows(html, "Progress per juror")
    # Four projects under review (the draft is not); one scored, one recused, two left.
    assert jury["Айжан Серікқызы"][:4] == ["4", "1", "1", "2"]
    assert jury["Айжан Серікқызы"][4] != "not yet"

    channels = table_rows(html, "Codes and votes per channel")
    assert channels["SMS"] == ["3", "1", "1", "1", "1", "1"]
    assert channels["E-mail"] == ["1", "0", "0", "0", "1", "2"]

    alerts = table_rows(html, "1 open alert")
    assert alerts["many new addresses at one domain"] == [
        "spam.example",
        alerts["many new addresses at one domain"][1],
        "3",
    ]
    assert "198.51.100.0/24" not in html  # acknowledged

    awards = table_rows(html, "Awards and grants by nomination")
    assert awards["Ecology"][:2] == ["2", "1"]
    assert list(awards) == ["Ecology"]  # the participant award counts nowhere
    assert awards["Ecology"][2].replace(",", "").replace("\xa0", "").replace(" ", "") == "2500000"


def test_while_voting_is_open_votes_appear_only_as_fair_totals(client, organiser, small_fair):
    client.force_login(organiser)

    html = client.get(admin_index()).content.decode()

    per_day = table_rows(html, "Valid votes per day")
    today = timezone.localdate()
    assert per_day[(today - timedelta(days=2)).isoformat()] == ["2", "2"]
    assert per_day[(today - timedelta(days=1)).isoformat()] == ["0", "2"]
    assert per_day[today.isoformat()] == ["1", "3"]
    assert '<span class="fp-figure">3</span> valid votes' in html
    assert '<span class="fp-figure">1</span> invalidated' in html
    assert "Votes per project stay secret until voting closes" in html
    # No project's title appears anywhere on the page: nothing is counted per project.
    for title in small_fair.projects.values_list("title", flat=True):
        assert title not in html


def test_charts_have_an_accessible_name_and_a_table_with_the_same_numbers(client, organiser, small_fair):
    client.force_login(organiser)

    html = client.get(admin_index()).content.decode()

    for chart_id in ("chart-states", "chart-nominations", "chart-submitted-over-time", "chart-regions"):
        svg = re.search(rf'<svg [^>]*aria-labelledby="{chart_id}-title"[^>]*>', html)
        assert svg, chart_id
        assert 'role="img"' in svg.group(0), chart_id
        assert f'<title id="{chart_id}-title">' in html
    # The cartogram shows each region's count in its tile, as the table does.
    cartogram = re.search(r"<svg [^>]*chart-regions-title.*?</svg>", html, re.S).group(0)
    assert cartogram.count('class="fp-tile ') == 20
    assert re.search(r'Абай</text><text class="fp-tile-value"[^>]*>2</text>', cartogram) is None  # en names
    assert re.search(r'>Abai</text><text class="fp-tile-value"[^>]*>2</text>', cartogram)
    # No inline style anywhere: the CSP forbids it.
    assert "style=" not in html.split('id="content"')[1]


def test_the_dashboard_speaks_kazakh_and_russian(client, organiser, small_fair):
    client.force_login(organiser)

    kk = client.get(admin_index("kk")).content.decode()
    ru = client.get(admin_index("ru")).content.decode()

    assert "Жобалар жай-күйі бойынша" in kk or "Өтінімдер" in kk
    assert "Абай облысы" in kk
    assert "Абайская область" in ru
    assert "Submissions by region" not in kk
    assert "Submissions by region" not in ru


def test_the_chooser_switches_fair(client, organiser, small_fair):
    other = FairFactory(title_en="Shymkent fair 2027")
    ProjectFactory(fair=other, state=ProjectState.SUBMITTED, submitted_at=timezone.now())
    client.force_login(organiser)

    default = client.get(admin_index()).content.decode()
    chosen = client.get(admin_index(), {"fair": other.pk}).content.decode()

    # The fair in public voting is further along than the one taking submissions.
    assert '<h2 class="fp-dashboard-title">Almaty fair 2026</h2>' in default
    assert '<h2 class="fp-dashboard-title">Shymkent fair 2027</h2>' in chosen
    assert table_rows(chosen, "Projects by state now")["Total"] == ["1"]
    assert f'<option value="{other.pk}" selected>' in chosen


def test_an_unknown_fair_falls_back_to_the_default(client, organiser, small_fair):
    client.force_login(organiser)

    html = client.get(admin_index(), {"fair": "nonsense"}).content.decode()

    assert '<h2 class="fp-dashboard-title">Almaty fair 2026</h2>' in html


def test_default_fair_is_the_most_advanced_active_one_else_the_newest():
    now = timezone.now()
    archived = FairFactory(opens=now - timedelta(days=800))
    draft = FairFactory(opens=now + timedelta(days=30))
    submission = FairFactory(opens=now - timedelta(days=5))
    review = FairFactory(opens=now - timedelta(days=40))

    newest_first = [draft, submission, review, archived]
    assert dashboard.default_fair(fairs=newest_first, now=now) == review
    assert dashboard.default_fair(fairs=[draft, archived], now=now) == draft
    assert dashboard.default_fair(fairs=[], now=now) is None


def test_the_app_list_stays_below_the_dashboard(client, organiser, small_fair):
    client.force_login(organiser)

    html = client.get(admin_index()).content.decode()

    assert html.index('class="fp-dashboard"') < html.index('id="admin-sections"') < html.index("app-projects")


def test_visitors_are_sent_to_log_in(client, small_fair):
    response = client.get(admin_index())

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_jurors_and_ngo_members_never_see_it(client, small_fair):
    juror = JurorFactory(review=small_fair.jury_review).user
    client.force_login(juror)

    response = client.get(admin_index())

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_project_permissions_get_the_plain_admin_index(client, small_fair):
    staff = UserFactory(email="helpdesk@fair.kz", is_staff=True)
    client.force_login(staff)

    response = client.get(admin_index())

    assert response.status_code == 200
    assert "fp-dashboard" not in response.content.decode()
    assert "Almaty fair 2026" not in response.content.decode()


def test_superusers_see_it(client, small_fair):
    client.force_login(UserFactory(email="root@fair.kz", is_staff=True, is_superuser=True))

    assert "Almaty fair 2026" in client.get(admin_index()).content.decode()


def test_the_number_of_queries_does_not_grow_with_the_fair(
    client, organiser, small_fair, django_assert_max_num_queries
):
    client.force_login(organiser)
    client.get(admin_index())  # warm caches (content types, permissions)
    with django_assert_max_num_queries(30) as small:
        client.get(admin_index())

    nomination = small_fair.nominations.first()
    for _ in range(15):
        project = ProjectFactory(
            fair=small_fair,
            nomination=nomination,
            state=ProjectState.FINALIST,
            submitted_at=timezone.now(),
            region=Region.objects.order_by("?").first(),
        )
        VoteFactory(project=project)
    for _ in range(3):
        JurorFactory(review=small_fair.jury_review)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(admin_index())


def test_shades_and_legend_cover_every_count():
    assert charts.shade_of(0, 10) == 0
    assert charts.shade_of(1, 10) == 1
    assert charts.shade_of(10, 10) == charts.SHADES - 1
    legend = charts.shade_ranges(10)
    assert legend[0] == (0, 0, 0)
    assert legend[-1][2] == 10
    covered = [value for _shade, low, high in legend[1:] for value in range(low, high + 1)]
    assert covered == list(range(1, 11))


def test_every_region_of_kazakhstan_has_a_tile():
    codes = set(Region.objects.values_list("code", flat=True))
    assert codes == set(charts.KAZAKHSTAN_TILES)
    assert len(set(charts.KAZAKHSTAN_TILES.values())) == 20  # no two on one square


def test_each_panel_needs_the_permission_its_data_needs_in_the_admin(client, small_fair):
    from django.contrib.auth.models import Permission

    staff = UserFactory(email="reader@fair.kz", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_project", content_type__app_label="projects")
    )
    client.force_login(staff)

    html = client.get(admin_index()).content.decode()

    assert "Projects by state now" in html
    for hidden in (
        "Progress per juror",
        "Codes and votes per channel",
        "Valid votes per day",
        "open alert",
        "Awards and grants",
    ):
        assert hidden not in html


def test_a_long_time_series_counts_by_week_with_empty_weeks_kept():
    from datetime import date

    periods, by_week = dashboard._periods({date(2026, 1, 1): 2, date(2026, 1, 2): 1, date(2026, 3, 31): 4})

    assert by_week
    assert periods[0].label == "2025-12-29"  # the Monday of the first week
    assert periods[0].count == 3
    assert periods[-1].count == 4
    assert periods[-1].running_total == 7
    assert all(period.count == 0 for period in periods[1:-1])


def test_a_fair_without_a_review_says_so_and_offers_to_set_one_up(client, organiser, small_fair):
    other = FairFactory(title_en="Shymkent fair 2027")
    client.force_login(organiser)

    html = client.get(admin_index(), {"fair": other.pk}).content.decode()

    assert "No expert review is set up for this fair yet." in html
    with translation.override("en"):
        assert f"{reverse('admin:jury_review_add')}?fair={other.pk}" in html
    # A fair with a review shows the progress table instead.
    assert "No expert review is set up" not in client.get(admin_index()).content.decode()


def test_the_delivery_chart_tells_awaited_reports_from_none_to_come(client, organiser, small_fair):
    """As the table does: an SMS still waiting for its report is not an e-mail, which gets none."""
    client.force_login(organiser)
    html = client.get(admin_index()).content.decode()
    svg = html[html.index('id="chart-channels-title"') :]
    svg = svg[: svg.index("</svg>")]
    email, sms = svg.split('class="fp-chart-label"')[1:3]  # in the table's order

    assert sms.count('class="fp-bar"') == 1  # the one sent, report awaited
    assert 'class="fp-bar-muted"' not in sms
    assert email.count('class="fp-bar-muted"') == 1  # the e-mailed code: no report will come
    assert 'class="fp-bar"' not in email
