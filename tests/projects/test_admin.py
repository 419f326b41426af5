import csv
import importlib
import io
import os
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from fairportal.models import AuditEvent
from projects.media import reencode_image
from projects.models import (
    Fair,
    Nomination,
    Organisation,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
    Region,
    Sphere,
)
from tests.factories.accounts import UserFactory
from tests.factories.projects import (
    FairFactory,
    MembershipFactory,
    NominationFactory,
    OrganisationFactory,
    ProjectFactory,
    jpeg_upload,
)

pytestmark = pytest.mark.django_db

organisers_migration = importlib.import_module("projects.migrations.0003_organisers_group")

CHANGELIST = "projects_project_changelist"


def admin_url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def submitted_project(**kwargs) -> Project:
    """A submitted project whose NGO has one member to e-mail."""
    kwargs.setdefault("submitted_at", timezone.now() - timedelta(days=1))
    project = ProjectFactory(state=ProjectState.SUBMITTED, **kwargs)
    MembershipFactory(organisation=project.organisation, user__language="en")
    return project


def run_action(client, action: str, projects, query: str = "", **extra):
    return client.post(
        admin_url(CHANGELIST) + query,
        {"action": action, "_selected_action": [p.pk for p in projects], "index": 0, **extra},
        follow=True,
    )


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def change_form_data(response) -> dict:
    """What a browser would post back from an admin change form, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[bound.html_name] = value
    return data


# ---------------------------------------------------------------- state actions


def test_mark_finalist_changes_states_records_history_and_mails_the_ngos(
    client, superuser, django_capture_on_commit_callbacks
):
    first, second = submitted_project(), submitted_project()
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "mark_finalist", [first, second])

    assert response.redirect_chain[-1][0] == admin_url(CHANGELIST)
    assert "2 projects were marked as finalists." in page_messages(response)
    for project in (first, second):
        project.refresh_from_db()
        assert project.state == ProjectState.FINALIST
        change = ProjectStateChange.objects.get(project=project)
        assert (change.from_state, change.to_state, change.actor) == (
            ProjectState.SUBMITTED,
            ProjectState.FINALIST,
            superuser,
        )
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        m.user.email for p in (first, second) for m in p.organisation.memberships.select_related("user")
    )


def test_mark_not_selected_changes_states_through_the_service(
    client, superuser, django_capture_on_commit_callbacks
):
    project = submitted_project()
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "mark_not_selected", [project])

    assert "1 project was marked as not selected." in page_messages(response)
    project.refresh_from_db()
    assert project.state == ProjectState.NOT_SELECTED
    assert list(project.state_changes.values_list("from_state", "to_state")) == [
        (ProjectState.SUBMITTED, ProjectState.NOT_SELECTED)
    ]
    assert len(mail.outbox) == 1


def test_an_invalid_transition_is_reported_and_does_not_stop_the_others(
    client, superuser, django_capture_on_commit_callbacks
):
    draft = ProjectFactory(title="Жоба-черновик", state=ProjectState.DRAFT)
    MembershipFactory(organisation=draft.organisation)
    submitted = submitted_project()
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "mark_finalist", [draft, submitted])

    shown = page_messages(response)
    assert "“Жоба-черновик” is Draft and cannot be moved to “Finalist”." in shown
    assert "1 project was marked as a finalist." in shown
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.state == ProjectState.DRAFT
    assert not draft.state_changes.exists()
    assert submitted.state == ProjectState.FINALIST
    assert [message.to for message in mail.outbox] == [[submitted.organisation.memberships.get().user.email]]


def test_nothing_changed_means_no_success_message(client, superuser):
    draft = ProjectFactory(state=ProjectState.DRAFT)
    client.force_login(superuser)

    response = run_action(client, "mark_not_selected", [draft])

    shown = page_messages(response)
    assert len(shown) == 1
    assert "cannot be moved" in shown[0]


def test_return_for_changes_first_asks_for_the_message(client, superuser):
    first, second = submitted_project(title="<b>Бірінші</b>"), submitted_project()
    client.force_login(superuser)

    response = run_action(client, "return_for_changes", [first, second], query="?state__exact=submitted")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/projects/project/return_for_changes.html"
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r"<textarea[^>]*name=\"message\"[^>]*required", html)
    for project in (first, second):
        assert f'name="_selected_action" value="{project.pk}"' in html
    assert "&lt;b&gt;Бірінші&lt;/b&gt;" in html
    assert second.title in html
    assert not ProjectStateChange.objects.exists()


def test_return_for_changes_without_a_message_shows_the_form_again(
    client, superuser, django_capture_on_commit_callbacks
):
    project = submitted_project()
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url(CHANGELIST),
            {
                "action": "return_for_changes",
                "_selected_action": [project.pk],
                "message": "   ",
                "apply": "1",
            },
        )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/projects/project/return_for_changes.html"
    assert "Tell the NGO what to change." in response.content.decode()
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    assert not ProjectStateChange.objects.exists()
    assert mail.outbox == []


def test_return_for_changes_error_is_translated(client, superuser):
    project = submitted_project()
    client.force_login(superuser)

    with translation.override("ru"):
        expected = str(translation.gettext("Tell the NGO what to change."))
    response = client.post(
        admin_url(CHANGELIST, lang="ru"),
        {"action": "return_for_changes", "_selected_action": [project.pk], "message": "", "apply": "1"},
    )

    assert expected in response.content.decode()


def test_return_for_changes_with_a_message_returns_them_and_keeps_the_note(
    client, superuser, django_capture_on_commit_callbacks
):
    first, second = submitted_project(), submitted_project()
    finalist = ProjectFactory(state=ProjectState.FINALIST, title="Финалист")
    client.force_login(superuser)
    note = "Бюджетті толығырақ жазыңыз, please."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url(CHANGELIST) + "?q=",
            {
                "action": "return_for_changes",
                "_selected_action": [first.pk, second.pk, finalist.pk],
                "message": f"  {note}\n",
                "apply": "1",
            },
            follow=True,
        )

    assert response.redirect_chain[0][0] == admin_url(CHANGELIST) + "?q="
    shown = page_messages(response)
    assert "2 projects were returned to their NGOs for changes." in shown
    assert "“Финалист” is Finalist and cannot be moved to “Returned for changes”." in shown
    for project in (first, second):
        project.refresh_from_db()
        assert project.state == ProjectState.RETURNED
        change = project.state_changes.get()
        assert (change.to_state, change.note, change.actor) == (ProjectState.RETURNED, note, superuser)
    finalist.refresh_from_db()
    assert finalist.state == ProjectState.FINALIST
    assert len(mail.outbox) == 2
    assert all(note in message.body for message in mail.outbox)


def test_state_actions_need_the_state_permission(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_project"))
    project = submitted_project()
    client.force_login(viewer)

    html = client.get(admin_url(CHANGELIST)).content.decode()
    response = run_action(client, "mark_finalist", [project])

    assert 'value="mark_finalist"' not in html
    assert 'value="export_selected_csv"' in html
    assert "No action selected." in page_messages(response)
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


# ---------------------------------------------------------------- the change form


def test_the_state_is_not_editable_in_the_change_form(client, superuser, django_capture_on_commit_callbacks):
    project = submitted_project(title="Old title")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, "mark_finalist", [project])
    url = admin_url("projects_project_change", project.pk)

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="state"' not in html
    assert 'name="submitted_at' not in html
    assert "Finalist" in html  # shown read-only, with its history
    assert 'name="state_changes-0-note"' not in html

    data = change_form_data(response)
    data.update({"title": "New title", "state": ProjectState.AWARDED, "submitted_at": "2020-01-01"})
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.title == "New title"
    assert project.state == ProjectState.FINALIST
    assert project.state_changes.count() == 1


def test_the_change_form_refuses_a_nomination_of_another_fair(client, superuser):
    project = ProjectFactory()
    other = NominationFactory()
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data["nomination"] = other.pk

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["nomination"] == ["Choose a nomination of this fair."]


def test_an_image_added_in_the_admin_is_reencoded_with_a_thumbnail(client, superuser, media_root):
    project = ProjectFactory()
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data.update(
        {
            "images-TOTAL_FORMS": 1,
            "images-0-image": jpeg_upload("holiday.jpg", size=(3000, 1500)),
            "images-0-alt_text": "Volunteers teach a class",
            "images-0-position": 0,
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    image = project.images.get()
    assert (image.width, image.height) == (2000, 1000)
    assert image.thumbnail.name.startswith("projects/thumbs/")
    assert "holiday" not in image.image.name


def test_image_preview_escapes_the_description(client, superuser, media_root):
    project = ProjectFactory()
    image = ProjectImage(project=project, alt_text='"><script>alert(1)</script>')
    processed = reencode_image(jpeg_upload())
    image.image.save(processed.image.name, processed.image, save=False)
    image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    client.force_login(superuser)

    html = client.get(admin_url("projects_project_change", project.pk)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert f'<img src="{image.thumbnail.url}" alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


# ---------------------------------------------------------------- exports


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming  # written as the rows are read
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def expected_filename(extension: str) -> str:
    today = timezone.localdate(timezone=ZoneInfo("Asia/Almaty"))
    return f'attachment; filename="projects-{today:%Y%m%d}.{extension}"'


@pytest.fixture
def three_projects():
    fair = FairFactory(title_en="Fair 2026")
    submitted = submitted_project(
        fair=fair,
        title="Инклюзивті шеберхана",
        submitted_at=datetime(2026, 3, 2, 4, 30, tzinfo=UTC),
        spheres=Sphere.objects.filter(slug__in=["youth", "disability"]),
    )
    other = submitted_project(fair=fair, title="Экологиялық мектеп", organisation__name="Жасыл ел")
    draft = ProjectFactory(fair=fair, title="Жоба жобасы", state=ProjectState.DRAFT)
    return SimpleNamespace(submitted=submitted, other=other, draft=draft)


def test_csv_export_of_the_filtered_list(client, superuser, three_projects):
    client.force_login(superuser)
    project = three_projects.submitted

    response = client.get(admin_url("projects_project_export_csv") + "?state__exact=submitted")

    assert response["Content-Disposition"] == expected_filename("csv")
    rows = read_csv(response)
    assert rows[0] == [
        "ID",
        "Project title",
        "Organisation",
        "BIN",
        "Legal form",
        "Fair",
        "Nomination",
        "Region where the project works",
        "Spheres",
        "State",
        "Number of beneficiaries",
        "Budget requested (KZT)",
        "Submitted",
    ]
    assert sorted(row[1] for row in rows[1:]) == ["Инклюзивті шеберхана", "Экологиялық мектеп"]
    assert next(row for row in rows if row[0] == str(project.pk)) == [
        str(project.pk),
        "Инклюзивті шеберхана",
        project.organisation.name,
        project.organisation.bin,
        "Public fund",
        "Fair 2026",
        "Social adaptation and rehabilitation of people with disabilities",
        "Almaty",
        "Youth, People with disabilities",
        "Submitted",
        "120",
        "5000000",
        "2026-03-02 09:30",
    ]


def test_csv_export_respects_the_search(client, superuser, three_projects):
    client.force_login(superuser)

    by_bin = read_csv(
        client.get(admin_url("projects_project_export_csv"), {"q": three_projects.other.organisation.bin})
    )
    by_name = read_csv(client.get(admin_url("projects_project_export_csv"), {"q": "жасыл"}))

    assert [row[0] for row in by_bin[1:]] == [str(three_projects.other.pk)]
    assert [row[0] for row in by_name[1:]] == [str(three_projects.other.pk)]


def test_xlsx_export_of_the_filtered_list(client, superuser, three_projects):
    client.force_login(superuser)

    response = client.get(admin_url("projects_project_export_xlsx"), {"state__exact": "submitted"})

    assert response["Content-Disposition"] == expected_filename("xlsx")
    rows = read_xlsx(response)
    assert rows[0][:3] == ["ID", "Project title", "Organisation"]
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {three_projects.submitted.pk, three_projects.other.pk}
    assert by_id[three_projects.submitted.pk][1] == "Инклюзивті шеберхана"
    assert by_id[three_projects.submitted.pk][10:] == [120, 5000000, datetime(2026, 3, 2, 9, 30)]

    searched = read_xlsx(client.get(admin_url("projects_project_export_xlsx"), {"q": "Жоба жобасы"}))
    assert [row[0] for row in searched[1:]] == [three_projects.draft.pk]


def test_the_change_list_links_to_the_exports_with_its_filters(client, superuser, three_projects):
    client.force_login(superuser)

    html = client.get(admin_url(CHANGELIST), {"state__exact": "submitted", "q": "шеберхана"}).content.decode()

    query = urlencode([("q", "шеберхана"), ("state__exact", "submitted")]).replace("&", "&amp;")
    assert f'href="{admin_url("projects_project_export_csv")}?{query}"' in html
    assert f'href="{admin_url("projects_project_export_xlsx")}?{query}"' in html


def test_export_actions_export_the_selection(client, superuser, three_projects):
    client.force_login(superuser)
    chosen = [three_projects.draft, three_projects.other]

    csv_response = run_action(client, "export_selected_csv", chosen)
    xlsx_response = run_action(client, "export_selected_xlsx", chosen)

    assert csv_response["Content-Disposition"] == expected_filename("csv")
    assert sorted(int(row[0]) for row in read_csv(csv_response)[1:]) == sorted(p.pk for p in chosen)
    assert sorted(row[0] for row in read_xlsx(xlsx_response)[1:]) == sorted(p.pk for p in chosen)


def test_exports_neutralise_formulas(client, superuser):
    nomination = NominationFactory(title_en="@SUM(A1:A2)")
    link = ProjectFactory(
        title='=HYPERLINK("http://evil.example","click")',
        organisation__name="+7 cmd|' /C calc'!A0",
        fair=nomination.fair,
        nomination=nomination,
    )
    hidden = ProjectFactory(title="-2+3", organisation__name="\x01=1+1")
    client.force_login(superuser)

    csv_rows = {
        int(row[0]): row for row in read_csv(client.get(admin_url("projects_project_export_csv")))[1:]
    }
    xlsx_rows = {row[0]: row for row in read_xlsx(client.get(admin_url("projects_project_export_xlsx")))[1:]}

    assert csv_rows[link.pk][1:3] == ['\'=HYPERLINK("http://evil.example","click")', "'+7 cmd|' /C calc'!A0"]
    assert csv_rows[link.pk][6] == "'@SUM(A1:A2)"
    assert csv_rows[hidden.pk][1] == "'-2+3"
    assert xlsx_rows[link.pk][1:3] == ['\'=HYPERLINK("http://evil.example","click")', "'+7 cmd|' /C calc'!A0"]
    assert xlsx_rows[link.pk][6] == "'@SUM(A1:A2)"
    # The control character is dropped from the spreadsheet, and the formula it hid is neutralised too.
    assert xlsx_rows[hidden.pk][1:3] == ["'-2+3", "'=1+1"]


def test_exports_are_for_staff_only(client):
    client.force_login(UserFactory())

    response = client.get(admin_url("projects_project_export_csv"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_export_queries_do_not_grow_with_the_projects(client, superuser, django_assert_max_num_queries):
    for _ in range(3):
        submitted_project()
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as three:  # the rows are read as the response streams
        assert len(read_csv(client.get(admin_url("projects_project_export_csv")))) == 4
    for _ in range(12):
        submitted_project(spheres=Sphere.objects.all()[:3])

    with django_assert_max_num_queries(len(three)):
        rows = read_csv(client.get(admin_url("projects_project_export_csv")))
    assert len(rows) == 16


# ---------------------------------------------------------------- the change list


def test_the_change_list_queries_do_not_grow_with_the_projects(
    client, superuser, django_assert_max_num_queries
):
    for _ in range(3):
        submitted_project()
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as three:
        assert client.get(admin_url(CHANGELIST)).status_code == 200
    for _ in range(12):
        submitted_project(spheres=Sphere.objects.all()[:3])

    with django_assert_max_num_queries(len(three)):
        response = client.get(admin_url(CHANGELIST))
    assert response.context["cl"].result_count == 15


def test_the_change_list_filters_and_searches(client, superuser, three_projects):
    nomination = three_projects.other.nomination
    client.force_login(superuser)

    def shown(**params):
        return {p.pk for p in client.get(admin_url(CHANGELIST), params).context["cl"].result_list}

    assert shown(state__exact="submitted") == {three_projects.submitted.pk, three_projects.other.pk}
    assert shown(nomination__id__exact=nomination.pk) == {three_projects.other.pk}
    assert shown(spheres__id__exact=Sphere.objects.get(slug="youth").pk) == {three_projects.submitted.pk}
    assert shown(region__id__exact=Region.objects.get(code="almaty").pk) == {
        three_projects.submitted.pk,
        three_projects.other.pk,
        three_projects.draft.pk,
    }
    assert shown(fair__id__exact=FairFactory().pk) == set()
    assert shown(q=three_projects.submitted.organisation.bin) == {three_projects.submitted.pk}


def test_the_nomination_filter_names_the_fair_unless_one_is_chosen(client, superuser, three_projects):
    nomination = three_projects.other.nomination
    with translation.override("en"):
        title = nomination.title
    client.force_login(superuser)

    everything = client.get(admin_url(CHANGELIST)).content.decode()
    one_fair = client.get(admin_url(CHANGELIST), {"fair__id__exact": nomination.fair_id}).content.decode()

    assert f"{title} (Fair 2026)" in everything
    assert f"{title} (Fair 2026)" not in one_fair
    assert title in one_fair


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_project_list_opens_in_each_language(client, superuser, three_projects, lang):
    client.force_login(superuser)

    response = client.get(admin_url(CHANGELIST, lang=lang))

    active = response.wsgi_request.LANGUAGE_CODE
    assert response.status_code == 200
    assert active == lang


# ---------------------------------------------------------------- the Organisers group

ORGANISER_PERMISSIONS = {
    *(
        f"projects.{action}_{model}"
        for model in ("fair", "nomination", "organisation", "membership", "project", "projectimage")
        for action in ("view", "add", "change")
    ),
    "projects.view_region",
    "projects.view_sphere",
    "projects.view_projectstatechange",
    "projects.view_invitation",
    "projects.change_project_state",
    "accounts.view_user",
    # Added by voting's migration 0002: organisers audit votes and invalidate suspicious ones.
    "voting.view_vote",
    "voting.invalidate_vote",
    # Added by voting's migration 0005: they see voting alerts and acknowledge them.
    "voting.view_votingalert",
    "voting.change_votingalert",
    # Added by voting's migration 0009: they create, print and invalidate batches of voting cards.
    *(f"voting.{action}_cardbatch" for action in ("view", "add", "print", "invalidate")),
    # Added by jury's migration 0002: they set up reviews, seat jurors, may lift a recusal and
    # remove a criterion or a juror, read evaluations and see the ranking.
    *(f"jury.{action}_review" for action in ("view", "add", "change")),
    *(f"jury.{action}_criterion" for action in ("view", "add", "change", "delete")),
    *(f"jury.{action}_juror" for action in ("view", "add", "change", "delete")),
    "jury.view_recusal",
    "jury.delete_recusal",
    "jury.view_evaluation",
    "jury.view_score",
    "jury.view_ranking",
    # Added by awards' migration 0002: ceremonies, their photos and the awards.
    *(f"awards.{action}_ceremony" for action in ("view", "add", "change")),
    *(f"awards.{action}_ceremonyphoto" for action in ("view", "add", "change", "delete")),
    *(f"awards.{action}_award" for action in ("view", "add", "change", "delete")),
    # Added by fairportal's migration 0002 and projects' 0010: the audit trail and the public
    # schedule changes, to read only.
    "fairportal.view_auditevent",
    "projects.view_fairschedulechange",
    # fairportal's migration 0003: which e-mails were sent and which failed, to read only.
    "fairportal.view_outgoingmail",
    # presentations' migration 0003: they open the round, set its criteria, make and change the
    # schedule and record who presented; they read the jurors' presentation scores.
    *(f"presentations.{action}_presentationround" for action in ("view", "add", "change")),
    *(f"presentations.{action}_presentationcriterion" for action in ("view", "add", "change", "delete")),
    "presentations.view_slot",
    "presentations.change_slot",
    "presentations.view_presentationevaluation",
    "presentations.view_presentationscore",
    "presentations.view_final_ranking",
}


def group_permissions() -> set[str]:
    group = Group.objects.get(name="Organisers")
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_the_organisers_group_has_exactly_what_they_need():
    assert group_permissions() == ORGANISER_PERMISSIONS
    # Records are never deleted; only the jury's set-up (and the presentation round's criteria) can be undone.
    assert not any(
        ".delete_" in p
        for p in group_permissions()
        if not p.startswith(("jury.", "awards.", "presentations."))
    )
    assert {p for p in group_permissions() if p.startswith("presentations.delete_")} == {
        "presentations.delete_presentationcriterion"
    }
    assert "jury.delete_evaluation" not in group_permissions()
    assert "jury.change_score" not in group_permissions()


def test_the_group_migration_is_idempotent_and_reversible():
    schema_editor = SimpleNamespace(connection=connection)
    group = Group.objects.get(name="Organisers")
    group.permissions.add(Permission.objects.get(codename="delete_project"))

    organisers_migration.create_group(global_apps, schema_editor)
    organisers_migration.create_group(global_apps, schema_editor)
    assert Group.objects.filter(name="Organisers").count() == 1
    # This migration sets the projects part; voting's and jury's own migrations add theirs afterwards.
    assert group_permissions() == {
        p
        for p in ORGANISER_PERMISSIONS
        if not p.startswith(("voting.", "jury.", "awards.", "fairportal.", "presentations."))
        and p != "projects.view_fairschedulechange"
    }

    organisers_migration.remove_group(global_apps, schema_editor)
    assert not Group.objects.filter(name="Organisers").exists()


def test_an_organiser_runs_the_actions_but_cannot_delete(
    client, organiser, django_capture_on_commit_callbacks
):
    project = submitted_project()
    client.force_login(organiser)

    changelist = client.get(admin_url(CHANGELIST))
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "mark_finalist", [project])

    assert changelist.status_code == 200
    assert 'value="delete_selected"' not in changelist.content.decode()
    assert "1 project was marked as a finalist." in page_messages(response)
    project.refresh_from_db()
    assert project.state == ProjectState.FINALIST
    assert project.state_changes.get().actor == organiser
    assert client.get(admin_url("projects_project_change", project.pk)).status_code == 200
    assert client.get(admin_url("projects_project_delete", project.pk)).status_code == 403
    assert client.get(admin_url("projects_organisation_delete", project.organisation.pk)).status_code == 403
    assert client.get(admin_url("projects_fair_delete", project.fair.pk)).status_code == 403


def test_an_organiser_can_read_but_not_change_the_reference_lists(client, organiser):
    region = Region.objects.get(code="almaty")
    client.force_login(organiser)

    assert client.get(admin_url("projects_region_changelist")).status_code == 200
    response = client.post(admin_url("projects_region_change", region.pk), {"name_en": "Changed"})

    assert response.status_code == 403
    region.refresh_from_db()
    assert region.name_en == "Almaty"


# ---------------------------------------------------------------- fairs and organisations


def fair_form(**overrides) -> dict:
    data = {
        "slug": "almaty-2027",
        "is_published": "on",
        "title_kk": "Жәрмеңке 2027",
        "title_ru": "Ярмарка 2027",
        "title_en": "Fair 2027",
        "organiser_kk": "Әкімдік",
        "organiser_ru": "Акимат",
        "organiser_en": "Akimat",
        "vote_policy": "fair",
        "voting_channels": "email",
        "nominations-TOTAL_FORMS": 1,
        "nominations-INITIAL_FORMS": 0,
        "nominations-0-title_kk": "Денсаулық",
        "nominations-0-title_ru": "Здоровье",
        "nominations-0-title_en": "Health",
        "nominations-0-position": 1,
    }
    schedule = {
        "submission_opens_at": "2027-02-01",
        "submission_closes_at": "2027-03-01",
        "voting_opens_at": "2027-04-01",
        "voting_closes_at": "2027-04-15",
        "ceremony_at": "2027-05-01",
        "archived_at": "2028-01-01",
    }
    schedule.update(overrides)
    for name, day in schedule.items():
        data[f"{name}_0"] = day
        data[f"{name}_1"] = "10:00:00"
    return data


def test_a_fair_is_created_with_its_nominations(client, superuser):
    client.force_login(superuser)

    response = client.post(admin_url("projects_fair_add"), fair_form())

    assert response.status_code == 302
    fair = Fair.objects.get(slug="almaty-2027")
    assert fair.submission_opens_at == datetime(2027, 2, 1, 10, tzinfo=ZoneInfo("Asia/Almaty"))
    assert list(Nomination.objects.filter(fair=fair).values_list("title_en", flat=True)) == ["Health"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_fair_schedule_out_of_order_is_refused_with_the_models_message(client, superuser, lang):
    client.force_login(superuser)
    with translation.override(lang):
        expected = str(Fair._meta.constraints[0].violation_error_message)

    response = client.post(admin_url("projects_fair_add", lang=lang), fair_form(voting_opens_at="2027-02-15"))

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Fair.objects.filter(slug="almaty-2027").exists()


def test_the_fair_list_shows_the_current_phase(client, superuser):
    FairFactory(title_en="Open fair")
    FairFactory(title_en="Old fair", opens=timezone.now() - timedelta(days=800))
    client.force_login(superuser)

    html = client.get(admin_url("projects_fair_changelist")).content.decode()

    assert "Current phase" in html
    assert "Submission of projects" in html
    assert "Archive" in html


def test_the_organisation_list_counts_projects_without_extra_queries(
    client, superuser, django_assert_max_num_queries
):
    busy = OrganisationFactory(name="Busy fund")
    ProjectFactory.create_batch(3, organisation=busy)
    OrganisationFactory(name="Quiet fund")
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as two:
        client.get(admin_url("projects_organisation_changelist"))
    for _ in range(5):
        ProjectFactory(organisation=OrganisationFactory())

    with django_assert_max_num_queries(len(two)):
        response = client.get(admin_url("projects_organisation_changelist"))

    counts = {
        organisation.name: organisation.project_count for organisation in response.context["cl"].result_list
    }
    assert counts["Busy fund"] == 3
    assert counts["Quiet fund"] == 0
    assert len(counts) == 7


def test_organisations_are_found_by_bin_and_email(client, superuser):
    fund = OrganisationFactory(email="hello@kamkor.kz")
    OrganisationFactory()
    client.force_login(superuser)

    def found(query):
        return [
            o.pk
            for o in client.get(admin_url("projects_organisation_changelist"), {"q": query})
            .context["cl"]
            .result_list
        ]

    assert found(fund.bin) == [fund.pk]
    assert found("kamkor") == [fund.pk]


def test_an_organisation_is_added_with_bin_and_phone_as_people_type_them(client, organiser):
    client.force_login(organiser)
    url = admin_url("projects_organisation_add")
    data = change_form_data(client.get(url))
    bin_ = OrganisationFactory.build().bin
    data.update(
        {
            "name": "«Болашақ» қоғамдық бірлестігі",
            "legal_form": "public_association",
            "bin": f" {bin_[:6]} {bin_[6:]} ",
            "region": Region.objects.get(code="astana").pk,
            "city": "Астана",
            "phone": "8 (701) 123-45-67",
            "email": "info@bolashak.kz",
            "website": "bolashak.kz",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(email="info@bolashak.kz")
    assert (organisation.bin, organisation.phone, organisation.website) == (
        bin_,
        "+77011234567",
        "https://bolashak.kz",
    )


@pytest.mark.parametrize("who", ["superuser", "organiser"])
def test_every_admin_page_opens(client, request, who):
    project = submitted_project()
    MembershipFactory(organisation=project.organisation)
    client.force_login(request.getfixturevalue(who))
    pages = [
        ("projects_fair_changelist",),
        ("projects_fair_add",),
        ("projects_fair_change", project.fair.pk),
        ("projects_region_changelist",),
        ("projects_sphere_changelist",),
        ("projects_organisation_changelist",),
        ("projects_organisation_add",),
        ("projects_organisation_change", project.organisation.pk),
        ("projects_project_changelist",),
        ("projects_project_add",),
        ("projects_project_change", project.pk),
    ]

    for name, *args in pages:
        assert client.get(admin_url(name, *args)).status_code == 200, name


@pytest.mark.parametrize(
    ("legal_form", "bin_of_existing", "message"),
    [
        ("public_fund", True, "An organisation with this BIN is already registered."),
        ("public_fund", False, "Registered organisations must give their BIN."),
    ],
)
def test_organisation_constraints_show_their_messages(
    client, superuser, legal_form, bin_of_existing, message
):
    existing = OrganisationFactory()
    client.force_login(superuser)
    url = admin_url("projects_organisation_add")
    data = change_form_data(client.get(url))
    data.update(
        {
            "name": "Duplicate",
            "legal_form": legal_form,
            "bin": existing.bin if bin_of_existing else "",
            "region": existing.region_id,
            "city": "Алматы",
            "phone": "+77011234567",
            "email": "dup@ngo.kz",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Duplicate").exists()


def test_organiser_shows_and_hides_submitted_projects(client):
    from projects.models import Project, ProjectState
    from tests.factories.accounts import UserFactory
    from tests.factories.projects import ProjectFactory

    shown = ProjectFactory(state=ProjectState.SUBMITTED, title="Submitted and shown")
    draft = ProjectFactory(state=ProjectState.DRAFT, title="Still a draft")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:projects_project_changelist")

    client.post(changelist, {"action": "show_publicly", "_selected_action": [shown.pk, draft.pk]})

    assert set(Project.objects.public().values_list("title", flat=True)) == {"Submitted and shown"}
    client.post(changelist, {"action": "hide_publicly", "_selected_action": [shown.pk]})
    assert not Project.objects.public().exists()


def test_organiser_sets_the_voting_rules_of_a_fair(client, superuser):
    from tests.factories.projects import FairFactory

    fair = FairFactory()
    client.force_login(superuser)

    html = client.get(reverse("admin:projects_fair_change", args=[fair.pk])).content.decode()

    for field in ("vote_policy", "voting_channels", "live_results"):
        assert f'name="{field}"' in html


# ---------------------------------------------------------------- admin writes go through the services


def project_with_image(**kwargs) -> Project:
    """A submitted, complete project with one stored image (as the NGO's own upload leaves it)."""
    project = submitted_project(**kwargs)
    image = ProjectImage(project=project, alt_text="Volunteers teach a class", position=0)
    processed = reencode_image(jpeg_upload())
    image.image.save(processed.image.name, processed.image, save=False)
    image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    return project


def test_the_last_image_of_a_submitted_project_cannot_be_deleted_in_the_admin(client, superuser, media_root):
    project = project_with_image(title="Old title")
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data.update({"images-0-DELETE": "on", "title": "New title"})

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors == ["A submitted project needs at least one image."]
    assert "A submitted project needs at least one image." in response.content.decode()
    project.refresh_from_db()
    assert project.images.count() == 1  # nothing lost
    assert project.title == "Old title"
    assert response.context["adminform"].form["title"].value() == "New title"  # what was typed stays


def test_the_last_image_error_is_translated(client, superuser, media_root):
    project = project_with_image()
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk, lang="ru")
    data = change_form_data(client.get(url))
    data["images-0-DELETE"] = "on"

    response = client.post(url, data)

    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert len(errors) == 1
    assert "A submitted project" not in errors[0]


def test_an_image_of_a_submitted_project_with_another_one_is_removed_through_the_service(
    client, superuser, media_root, django_capture_on_commit_callbacks
):
    project = project_with_image()
    second = ProjectImage.objects.get(project=project)
    second.pk = None
    second.position = 1
    second.save()
    removed = project.images.order_by("position").first()
    stored = removed.image.path
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data["images-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert list(project.images.all()) == [second]
    # The service deletes the file once committed, so the old URL stops working.
    assert not os.path.exists(stored)


def test_a_text_edit_of_a_submitted_project_keeps_it_complete(client, superuser, media_root):
    project = project_with_image(summary="What we do")
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data.update({"summary": "", "title": "Typed title"})

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any("must stay complete" in error for error in form.non_field_errors())
    assert form["title"].value() == "Typed title"
    project.refresh_from_db()
    assert project.summary == "What we do"
    assert project.title != "Typed title"


def test_an_organisers_correction_of_a_submitted_project_goes_through_the_service(
    client, superuser, media_root
):
    project = project_with_image(is_public=True)
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data["summary"] = "Corrected by the organisers"

    response = client.post(url, data)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.summary == "Corrected by the organisers"
    assert project.state == ProjectState.SUBMITTED
    # The trail says who corrected which field, never the text itself.
    (event,) = AuditEvent.objects.filter(action="project.corrected")
    assert (event.actor, event.target_id, event.fair_id) == (superuser, str(project.pk), project.fair_id)
    assert "summary" in event.details["fields"]
    assert "Corrected by the organisers" not in str(event.details)


def test_a_chosen_image_and_pdf_are_named_when_the_page_comes_back_with_an_error(
    client, superuser, media_root
):
    project = ProjectFactory()
    client.force_login(superuser)
    url = admin_url("projects_project_change", project.pk)
    data = change_form_data(client.get(url))
    data.update(
        {
            "title": "",  # forgotten: the page comes back
            "images-TOTAL_FORMS": 1,
            "images-0-image": jpeg_upload("class.jpg"),
            "images-0-alt_text": "Volunteers teach a class",
            "images-0-position": 0,
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert not project.images.exists()
    image_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert image_form.errors["image"] == [
        "“class.jpg” was not saved because of an error elsewhere on this page: choose it again."
    ]
    assert image_form["alt_text"].value() == "Volunteers teach a class"
    assert any("class.jpg" in message for message in page_messages(response))


def test_a_logo_replaced_in_the_admin_is_deleted_once_saved(
    client, organiser, media_root, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    processed = reencode_image(jpeg_upload("old.jpg"))
    organisation.logo.save(processed.image.name, processed.image)
    old_logo = organisation.logo.path
    client.force_login(organiser)
    url = admin_url("projects_organisation_change", organisation.pk)
    data = change_form_data(client.get(url))
    data["logo"] = jpeg_upload("new.jpg")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.logo.name != processed.image.name
    assert not os.path.exists(old_logo)  # its URL stops working


def test_return_for_changes_is_refused_before_the_message_once_ngos_can_no_longer_edit(client, superuser):
    """A fair in public voting: saying so before the organiser writes to the NGO, not after."""
    voting = FairFactory(in_voting=True)
    late = submitted_project(fair=voting, title="Late")
    client.force_login(superuser)

    response = run_action(client, "return_for_changes", [late])

    # Back to the list (followed): no message form to fill in, and the reason why.
    assert response.templates[0].name == "admin/projects/project/change_list.html"
    assert any("cannot be returned now" in shown for shown in page_messages(response))
    late.refresh_from_db()
    assert late.state == ProjectState.SUBMITTED


def test_return_for_changes_names_the_left_out_projects_before_asking(client, superuser):
    voting = FairFactory(in_voting=True)
    late, on_time = submitted_project(fair=voting, title="Late"), submitted_project(title="On time")
    client.force_login(superuser)

    html = run_action(client, "return_for_changes", [late, on_time]).content.decode()

    assert "Left out, and left as they are:" in html
    assert "“Late” cannot be returned now" in html
    assert f'name="_selected_action" value="{on_time.pk}"' in html
    assert f'name="_selected_action" value="{late.pk}"' not in html
