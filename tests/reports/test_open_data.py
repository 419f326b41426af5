"""Open data: the page, the downloads, and that nothing the secrecy rules hide leaks through them."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from awards import services as award_services
from awards.models import AwardKind
from jury import selectors as jury_selectors
from jury import services as jury_services
from jury.models import ProtocolPublic
from projects.models import Fair, Project, ProjectState
from reports import opendata
from tests.factories.accounts import make_organiser, make_superuser
from tests.factories.awards import CeremonyFactory
from tests.factories.jury import CriterionFactory, JurorFactory, ReviewFactory, review_phase_fair
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from voting import services as voting_services

pytestmark = pytest.mark.django_db

SCHEDULE = (
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "ceremony_at",
    "archived_at",
)

# Strings that only private records hold: none may appear in any file.
SECRETS = {
    "private project": "Жасырын жоба PRIVATE",
    "draft": "Черновик DRAFT-ONLY",
    "returned": "Returned RETURNED-ONLY",
    "unpublished fair's project": "Unpublished fair's finalist HIDDEN",
    "unpublished fair": "hidden-fair-2026",
    "juror's comment": "JUROR-COMMENT-SECRET",
    "juror's name": "Айжан Серікқызы",
    "juror's e-mail": "juror-secret@expert.kz",
    "recusal reason": "My sister runs this NGO",
    "NGO phone": "+77011234567",
    "NGO e-mail": "@ngo.kz",
    "NGO BIN": "210540",
    "budget": "5000000",
    "invalidation reason": "Bought on a forum",
    "unpublished ceremony's award": "Secret prize UNPUBLISHED",
}


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def shift(fair: Fair, delta: timedelta) -> None:
    Fair.objects.filter(pk=fair.pk).update(**{field: F(field) + delta for field in SCHEDULE})
    fair.refresh_from_db()


@pytest.fixture
def world():
    """A fair whose voting closed yesterday, with everything the secrecy rules hide beside what
    they show: private, draft and returned projects, a juror's comment and recusal, an invalidated
    vote; an unpublished fair; a fair still voting; a fair whose protocol is never public."""
    boss = make_organiser("organiser@fair.kz")
    fair = review_phase_fair(slug="open-2026", title_en="Open fair 2026")
    review = ReviewFactory(fair=fair, protocol_public=ProtocolPublic.AFTER_VOTING_OPENS)
    criteria = [
        CriterionFactory(review=review, title_en="Significance", weight=Decimal("2")),
        CriterionFactory(review=review, title_en="Openness", scale_max=5),
    ]
    health = NominationFactory(fair=fair, title_en="Health", title_ru="Здоровье", title_kk="Денсаулық")
    best = ProjectFactory(fair=fair, nomination=health, state=ProjectState.SUBMITTED, title="Clean air")
    second = ProjectFactory(fair=fair, nomination=health, state=ProjectState.SUBMITTED, title="Sign club")
    private = ProjectFactory(
        fair=fair, nomination=health, state=ProjectState.SUBMITTED, title=SECRETS["private project"]
    )
    shown = ProjectFactory(
        fair=fair,
        nomination=health,
        state=ProjectState.SUBMITTED,
        is_public=True,
        title="Shown by organisers",
    )
    ProjectFactory(fair=fair, nomination=health, state=ProjectState.DRAFT, title=SECRETS["draft"])
    ProjectFactory(fair=fair, nomination=health, state=ProjectState.RETURNED, title=SECRETS["returned"])
    juror = JurorFactory(
        review=review, user__full_name=SECRETS["juror's name"], user__email=SECRETS["juror's e-mail"]
    )
    other = JurorFactory(review=review)
    for who, project, values in [
        (juror, best, (9, 5)),
        (juror, second, (6, 3)),
        (juror, private, (2, 1)),
        (juror, shown, (3, 2)),
        (other, best, (8, 4)),
        (other, private, (3, 1)),
        (other, shown, (4, 2)),
    ]:
        jury_services.evaluation_save(
            juror=who,
            project=project,
            answers={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
            comment=SECRETS["juror's comment"],
        )
    jury_services.recusal_declare(juror=other, project=second, reason=SECRETS["recusal reason"])
    preview = jury_services.shortlist_preview(
        review=review, top_n=2, per_nomination=False, include_ties=False
    )
    jury_services.shortlist_apply(
        review=review,
        top_n=2,
        per_nomination=False,
        include_ties=False,
        expected_ids=preview.selected_ids,
        others_not_selected=False,
        actor=boss,
    )
    # Voting closed yesterday.
    shift(fair, -(fair.voting_closes_at - timezone.now()) - timedelta(days=1))
    for project in (best, second, private, shown):
        project.refresh_from_db()
    assert {best.state, second.state} == {ProjectState.FINALIST}
    for _ in range(3):
        VoteFactory(project=best)
    VoteFactory(project=second)
    bought = VoteFactory(project=second)
    voting_services.vote_invalidate(
        vote=bought, actor=make_superuser(), reason=SECRETS["invalidation reason"]
    )
    ceremony = CeremonyFactory(fair=fair)
    award_services.award_give(
        ceremony=ceremony,
        project=best,
        actor=boss,
        kind=AwardKind.JURY_PRIZE,
        nomination=health,
        place=1,
        grant_amount=3_000_000,
        title_kk="Үздік жоба",
        title_ru="Лучший проект",
        title_en="Best project",
    )
    award_services.ceremony_publish(ceremony=ceremony, actor=boss)

    hidden = FairFactory(slug=SECRETS["unpublished fair"], is_published=False)
    ProjectFactory(fair=hidden, state=ProjectState.FINALIST, title=SECRETS["unpublished fair's project"])

    voting = FairFactory(slug="voting-2026", in_voting=True)
    running = ProjectFactory(fair=voting, state=ProjectState.FINALIST, title="Still in the race")
    for _ in range(4):
        VoteFactory(project=running)
    secret_ceremony = CeremonyFactory(fair=voting)
    award_services.award_give(
        ceremony=secret_ceremony,
        project=running,
        actor=boss,
        kind=AwardKind.SPECIAL_MENTION,
        title_kk=SECRETS["unpublished ceremony's award"],
        title_ru=SECRETS["unpublished ceremony's award"],
        title_en=SECRETS["unpublished ceremony's award"],
    )
    return {"fair": fair, "review": review, "best": best, "second": second, "shown": shown, "voting": voting}


def download(client, fair_slug, dataset, extension, language="en"):
    return client.get(url(f"reports:open_data_{extension}", fair_slug, dataset, language=language))


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def every_file(client) -> dict[str, str]:
    """Every file the open data offer, for every published and unpublished fair, in three languages."""
    files = {}
    for language in ("kk", "ru", "en"):
        for slug in ("open-2026", "voting-2026", SECRETS["unpublished fair"]):
            for name in opendata.DATASETS:
                for extension in ("csv", "json"):
                    response = download(client, slug, name, extension, language)
                    if response.status_code == 404:
                        continue  # the error page repeats the address asked for, nothing more
                    assert response.status_code == 200
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    files[f"{language}/{slug}/{name}.{extension}"] = body.decode()
        files[f"{language}/index"] = client.get(url("reports:open_data", language=language)).content.decode()
        files[f"{language}/catalogue"] = client.get(
            url("reports:open_data_catalogue", language=language)
        ).content.decode()
    return files


@pytest.mark.parametrize("as_organiser", [False, True])
def test_nothing_the_secrecy_rules_hide_appears_in_any_file(client, world, as_organiser):
    if as_organiser:
        client.force_login(
            make_organiser("reader@fair.kz"), backend="django.contrib.auth.backends.ModelBackend"
        )
    files = every_file(client)
    for name, body in files.items():
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} leaks through {name}"


def test_each_dataset_of_a_closed_fair_downloads_as_csv_and_json(client, world):
    for name in opendata.DATASETS:
        response = download(client, "open-2026", name, "csv")
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="open-2026-{name}-en.csv"'
        assert csv_rows(response), name
        response = download(client, "open-2026", name, "json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="open-2026-{name}-en.json"'
        document = json.loads(response.content)
        assert set(document) == {
            "dataset",
            "title",
            "language",
            "fair",
            "licence",
            "source",
            "generated_at",
            "fields",
            "rows",
        }
        assert document["dataset"] == name
        assert document["licence"]["id"] == "CC-BY-4.0"
        assert document["fair"]["slug"] == "open-2026"
        assert [field["name"] for field in document["fields"]] == list(
            csv_rows(download(client, "open-2026", name, "csv"))[0]
        )
        assert document["rows"]


def test_projects_are_the_public_projects_and_finalists_the_shortlist(client, world):
    rows = json.loads(download(client, "open-2026", "projects", "json").content)["rows"]
    assert {row["project_id"] for row in rows} == set(
        Project.objects.public().filter(fair=world["fair"]).values_list("pk", flat=True)
    )
    assert {row["title"] for row in rows} == {"Clean air", "Sign club", "Shown by organisers"}
    clean_air = next(row for row in rows if row["title"] == "Clean air")
    assert clean_air["state"] == "awarded"
    assert clean_air["nomination"] == "Health"
    assert clean_air["spheres"]
    assert clean_air["url"].endswith(f"/en/projects/{world['best'].pk}/")
    finalists = json.loads(download(client, "open-2026", "finalists", "json").content)["rows"]
    assert {row["title"] for row in finalists} == {"Clean air", "Sign club"}


def test_names_follow_the_language_of_the_address(client, world):
    rows = csv_rows(download(client, "open-2026", "projects", "csv", language="ru"))
    assert {row["nomination"] for row in rows} == {"Здоровье"}
    rows = csv_rows(download(client, "open-2026", "awards", "csv", language="kk"))
    assert rows[0]["title"] == "Үздік жоба"
    assert rows[0]["grant_kzt"] == "3000000"


def test_vote_totals_equal_the_results_page(client, world):
    page = client.get(url("voting:results", "open-2026"))
    shown = {
        project.pk: votes for group in page.context["nominations"] for project, votes, _ in group["rows"]
    }
    rows = json.loads(download(client, "open-2026", "vote-totals", "json").content)["rows"]
    assert {row["project_id"]: row["valid_votes"] for row in rows} == shown
    assert shown == {world["best"].pk: 3, world["second"].pk: 1}  # the invalidated vote is out
    csv_counts = {
        int(row["project_id"]): int(row["valid_votes"])
        for row in csv_rows(download(client, "open-2026", "vote-totals", "csv"))
    }
    assert csv_counts == shown


def test_vote_totals_are_not_public_before_the_close_even_with_live_results(client, world):
    Fair.objects.filter(pk=world["voting"].pk).update(live_results=True)
    for extension in ("csv", "json"):
        assert download(client, "voting-2026", "vote-totals", extension).status_code == 404
    page = client.get(url("reports:open_data")).content.decode()
    assert "available after" in page
    catalogue = json.loads(client.get(url("reports:open_data_catalogue")).content)
    entry = next(item for item in catalogue["dataset"] if item["identifier"] == "voting-2026/vote-totals")
    assert entry["available"] is False
    assert "distribution" not in entry
    assert entry["availableFrom"].startswith(str(timezone.localtime(world["voting"].voting_closes_at).year))


def test_jury_averages_are_the_protocols_means_and_only_while_the_protocol_is_public(client, world):
    review = world["review"]
    protocol = jury_selectors.commission_protocol(review)
    rows = json.loads(download(client, "open-2026", "jury-averages", "json").content)["rows"]
    expected = {
        (row.project.pk, criterion.title): round(float(protocol.means[(row.project.pk, criterion.pk)]), 2)
        for row in protocol.finalists
        for criterion in protocol.criteria
    }
    assert {(row["project_id"], row["criterion"]): row["criterion_mean"] for row in rows} == expected
    assert {row["project_id"] for row in rows} == {world["best"].pk, world["second"].pk}
    second = next(row for row in rows if row["project_id"] == world["second"].pk)
    assert second["recusals"] == 1
    assert second["jurors_scored"] == 1
    # The shortlist used the raw scores: the file says so, and has no normalised score.
    assert {(row["basis"], row["normalised_score"]) for row in rows} == {("raw", None)}

    type(review).objects.filter(pk=review.pk).update(protocol_public=ProtocolPublic.NEVER)
    for extension in ("csv", "json"):
        assert download(client, "open-2026", "jury-averages", extension).status_code == 404
    # An organiser sees the protocol in the admin, but the open data stay what the public sees.
    client.force_login(make_organiser("reader@fair.kz"), backend="django.contrib.auth.backends.ModelBackend")
    assert download(client, "open-2026", "jury-averages", "json").status_code == 404


def test_awards_only_from_a_published_ceremony(client, world):
    rows = json.loads(download(client, "open-2026", "awards", "json").content)["rows"]
    assert [(row["kind"], row["place"], row["project_id"], row["grant_kzt"]) for row in rows] == [
        ("jury", 1, world["best"].pk, 3_000_000)
    ]
    assert download(client, "voting-2026", "awards", "json").status_code == 404


def test_unknown_and_unpublished_fairs_and_datasets_are_404(client, world):
    assert download(client, SECRETS["unpublished fair"], "projects", "csv").status_code == 404
    assert download(client, "no-such-fair", "projects", "json").status_code == 404
    assert download(client, "open-2026", "budgets", "csv").status_code == 404


def _queries_of_download(client, name, extension) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = download(client, "open-2026", name, extension)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries)


@pytest.mark.parametrize("name", list(opendata.DATASETS))
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_download_takes_a_constant_number_of_queries(
    client, world, name, extension, django_assert_max_num_queries
):
    caches["pages"].clear()
    before = _queries_of_download(client, name, extension)
    fair = world["fair"]
    for n in range(5):
        more = ProjectFactory(
            fair=fair, nomination=world["best"].nomination, state=ProjectState.FINALIST, title=f"Extra {n}"
        )
        VoteFactory(project=more)
    caches["pages"].clear()
    with django_assert_max_num_queries(before):
        response = download(client, "open-2026", name, extension)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    # The jury's averages are the commission protocol's (ranking, scores, jurors); the rest is small.
    assert before <= (20 if name == "jury-averages" else 10)


def test_the_index_lists_every_published_fair_with_its_field_dictionary(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(url("reports:open_data"))
    page = response.content.decode()
    assert "Open fair 2026" in page
    assert url("reports:open_data_csv", "open-2026", "vote-totals") in page
    assert url("reports:open_data_csv", "voting-2026", "vote-totals") not in page
    assert '<caption id="caption-projects">' in page
    assert '<th scope="col">Meaning</th>' in page
    assert "CC BY 4.0" in page
    for field in opendata.PROJECT_FIELDS:
        assert f'<code class="text-break">{field.name}</code>' in page


def test_json_downloads_and_the_index_end_with_the_pages_they_mirror(client, world):
    first = json.loads(download(client, "open-2026", "projects", "json").content)
    assert "Shown by organisers" in {row["title"] for row in first["rows"]}
    shown = world["shown"]
    shown.is_public = False
    shown.save()
    again = json.loads(download(client, "open-2026", "projects", "json").content)
    assert "Shown by organisers" not in {row["title"] for row in again["rows"]}
    response = download(client, "open-2026", "projects", "csv")
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert download(client, "open-2026", "jury-averages", "json")["Cache-Control"].startswith("max-age=0")


def test_the_footer_and_the_fair_page_link_to_the_open_data(client, world):
    for page in (url("home"), url("catalogue:fair_detail", "open-2026")):
        assert url("reports:open_data") in client.get(page).content.decode()


def test_the_sitemap_lists_the_open_data_page(client, world):
    body = client.get("/sitemap-pages.xml").content.decode()
    assert "/kk/open-data/" in body
