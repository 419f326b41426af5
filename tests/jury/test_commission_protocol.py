"""The commission's protocol: the PDF's contents in kk and ru, its digest, and who may fetch it."""

import hashlib
import io
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from jury import services
from jury.models import ProtocolPublic, Reading, Review, Score
from projects.models import ProjectState
from tests.factories.jury import JurorFactory, score
from tests.jury.conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlisted(review, criteria, projects, juror, organiser):
    """Three jurors, one recusal, "cannot assess" answers; the best project overall is the finalist."""
    first, second, third = projects
    other = JurorFactory(review=review, user__full_name="Бауыржан Омаров")
    unnamed = JurorFactory(review=review, user__full_name="", user__email="nameless@expert.kz")
    score(juror, first, criteria, 8, 6, 5)
    score(juror, second, criteria, 6, None, 3)
    score(juror, third, criteria, 4, 4, 2)
    services.juror_finalise(juror=juror)
    score(other, first, criteria, 10, 7, 4)
    services.recusal_declare(juror=other, project=second, reason="My sister runs this NGO")
    score(other, third, criteria, 5, 5, 3)
    score(unnamed, first, criteria, 9, None, 5)
    preview = services.shortlist_preview(review=review, top_n=1, per_nomination=False, include_ties=False)
    services.shortlist_apply(
        review=review,
        top_n=1,
        per_nomination=False,
        include_ties=False,
        expected_ids=preview.selected_ids,
        others_not_selected=False,
        actor=organiser,
    )
    review.refresh_from_db()
    return {"review": review, "other": other, "unnamed": unnamed}


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def recomputed_digest(review: Review) -> str:
    """The canonical serialisation of docs/commission-protocol.md, written again from the ORM."""
    rows = sorted(
        Score.objects.filter(evaluation__juror__review=review).values_list(
            "evaluation__project_id", "evaluation__juror_id", "criterion_id", "value"
        )
    )
    lines = ["project_id,juror_id,criterion_id,value\n"]
    lines += [f"{p},{j},{c},{'n/a' if v is None else v}\n" for p, j, c, v in rows]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def protocol_url(review, language="kk"):
    with translation.override(language):
        return reverse("jury_public:commission_protocol", args=[review.fair.slug])


def make_public(review):
    Review.objects.filter(pk=review.pk).update(protocol_public=ProtocolPublic.NOW)


def test_applying_the_shortlist_stores_its_rule_and_the_scores_digest(shortlisted):
    review = shortlisted["review"]
    assert review.shortlist_applied_at is not None
    assert (review.shortlist_top_n, review.shortlist_per_nomination, review.shortlist_include_ties) == (
        1,
        False,
        False,
    )
    assert review.shortlist_scores_sha256 == recomputed_digest(review)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_protocol_states_criteria_jurors_averages_cut_off_and_digest(
    client, shortlisted, criteria, projects, language
):
    review = shortlisted["review"]
    make_public(review)
    text = flat(pdf_text(client.get(protocol_url(review, language))))
    title = {"ru": "Протокол экспертной комиссии", "kk": "Сараптама комиссиясының хаттамасы"}[language]
    assert title in text
    for criterion in criteria:
        assert getattr(criterion, f"title_{language}") in text
    # Weights 2, 1, 1 and the scales 1–10, 1–10, 1–5.
    assert "2,00" in text
    assert "1–5" in text
    assert "Айжан Серікқызы" in text
    assert "Бауыржан Омаров" in text
    # A juror without a name is shown by number, never by e-mail address; recusal reasons stay private.
    assert "nameless@expert.kz" not in text
    assert "My sister" not in text
    assert str(shortlisted["unnamed"].pk) in text
    # The finalist "Inclusive workshop", on 1–10: significance (8 + 10 + 9) / 3 = 9; innovation
    # (6 + 7) / 2 = 6.5 (one "cannot assess"); openness 5, 4, 5 of 5 → 10, 7.75, 10: 9.25.
    # Its score: marks 32/4 = 8, (20 + 7 + 7.75)/4 = 8.6875 and (18 + 10)/3 = 9.333…: 8.67.
    finalist = projects[0]
    assert finalist.title in text
    row = text[text.index(finalist.title) :]
    assert re.search(r"9,00 6,50 9,25 8,67 3 0", row), row[:300]
    assert "Clean air" not in text  # not a finalist
    # The cut-off and the tie rule.
    cut_off = {
        "ru": "Число финалистов — лучших проектов с оценками (по всей ярмарке): 1.",
        "kk": "Бағаланған ең үздік 1 жоба (бүкіл жәрмеңке бойынша) финалист атанды.",
    }[language]
    assert cut_off in text
    ties = {
        "ru": "Правило равенства: если у последнего места в пределах отбора один балл с другими проектами, "
        "не включается ни один из них.",
        "kk": "Тең ұпай ережесі: іріктеу шегіндегі соңғы орынмен тең ұпай жинаған жобалардың бәрі қосылмайды.",
    }[language]
    assert ties in text
    assert "8,67" in text[text.index(cut_off) :]
    # The digest equals an independent recomputation from the scores.
    assert recomputed_digest(review) in text.replace(" ", "")


def test_the_protocol_counts_each_jurors_attendance_and_recusals(client, shortlisted, juror):
    review = shortlisted["review"]
    make_public(review)
    text = flat(pdf_text(client.get(protocol_url(review, "en"))))
    # Айжан: 3 projects in the seat, 3 scored, no recusal, finalised; Бауыржан: 2 scored, 1 recusal.
    assert re.search(r"Айжан Серікқызы the whole fair 3 3 0 \d", text), text
    assert re.search(r"Бауыржан Омаров the whole fair 3 2 1 no", text), text
    assert re.search(
        rf"{shortlisted['unnamed'].pk} Juror no\. {shortlisted['unnamed'].pk} the whole fair 3 1 0 no", text
    )


def test_the_protocol_says_when_scores_changed_after_the_shortlist(client, shortlisted, criteria, projects):
    review = shortlisted["review"]
    make_public(review)
    score(shortlisted["other"], projects[2], criteria, 6, 6, 3)
    text = flat(pdf_text(client.get(protocol_url(review, "en"))))
    assert "Scores changed after the shortlist was applied" in text
    assert review.shortlist_scores_sha256 in text.replace(" ", "")
    assert recomputed_digest(review) in text.replace(" ", "")


# ---------------------------------------------------------------- who may fetch it


def test_by_default_the_protocol_is_public_once_voting_opens(client, shortlisted):
    review = shortlisted["review"]
    assert review.protocol_public == ProtocolPublic.AFTER_VOTING_OPENS
    assert client.get(protocol_url(review)).status_code == 404
    fair = review.fair
    fair.voting_opens_at = timezone.now() - timedelta(minutes=1)
    fair.save(update_fields=["voting_opens_at"])
    response = client.get(protocol_url(review))
    assert response.status_code == 200
    assert f"commission-protocol-{fair.slug}-kk.pdf" in response["Content-Disposition"]


def test_no_protocol_before_a_shortlist_is_applied(client, review, criteria, projects, juror):
    make_public(review)
    score(juror, projects[0], criteria, 8, 6, 5)
    assert client.get(protocol_url(review)).status_code == 404


def test_never_keeps_the_protocol_from_everyone_but_the_organisers(client, shortlisted, organiser):
    review = shortlisted["review"]
    Review.objects.filter(pk=review.pk).update(protocol_public=ProtocolPublic.NEVER)
    fair = review.fair
    fair.voting_opens_at = timezone.now() - timedelta(minutes=1)
    fair.save(update_fields=["voting_opens_at"])
    assert client.get(protocol_url(review)).status_code == 404
    client.force_login(shortlisted["other"].user)  # a juror is not an organiser
    assert client.get(protocol_url(review)).status_code == 404
    client.force_login(organiser)
    for language in ("kk", "ru", "en"):
        response = client.get(reverse("admin:jury_review_protocol", args=[review.pk, language]))
        assert response.status_code == 200
    assert "Протокол экспертной комиссии" in pdf_text(
        client.get(reverse("admin:jury_review_protocol", args=[review.pk, "ru"]))
    )
    change_page = client.get(reverse("admin:jury_review_change", args=[review.pk]))
    assert reverse("admin:jury_review_protocol", args=[review.pk, "kk"]) in change_page.content.decode()


def test_the_admin_download_needs_the_ranking_permission(client, shortlisted):
    client.force_login(shortlisted["other"].user)
    response = client.get(reverse("admin:jury_review_protocol", args=[shortlisted["review"].pk, "kk"]))
    assert response.status_code in (302, 403)


def test_organisers_choose_when_it_is_public_in_the_review_admin(client, shortlisted, organiser):
    review = shortlisted["review"]
    client.force_login(organiser)
    page = client.get(reverse("admin:jury_review_change", args=[review.pk]))
    assert 'name="protocol_public"' in page.content.decode()


# ---------------------------------------------------------------- queries


def test_the_protocol_takes_the_same_queries_whatever_the_size(
    client, shortlisted, review, criteria, nominations, organiser, django_assert_max_num_queries
):
    make_public(review)
    with django_assert_max_num_queries(15) as small:
        assert client.get(protocol_url(review)).status_code == 200
    # More jurors, some seated in one nomination only, and more finalists.
    jurors = [
        JurorFactory(
            review=review, user__full_name=f"Juror {n}", nominations=[nominations[n % 2]] if n < 2 else []
        )
        for n in range(4)
    ]
    more = [submitted(review, nominations[n % 2], f"Project {n}") for n in range(6)]
    for index, juror in enumerate(jurors):
        for position, project in enumerate(more):
            if index >= 2 or position % 2 == index:
                score(juror, project, criteria, 7, 7, 3)
    for project in more:
        project.state = ProjectState.FINALIST
        project.save(update_fields=["state"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(protocol_url(review)).status_code == 200


# ---------------------------------------------------------------- commands


def test_the_auditors_command_writes_the_file_the_digest_is_of(shortlisted, tmp_path):
    review = shortlisted["review"]
    out, err = io.StringIO(), io.StringIO()
    call_command("commission_scores", review.fair.slug, stdout=out, stderr=err)
    assert out.getvalue().startswith("project_id,juror_id,criterion_id,value\n")
    assert ",n/a\n" in out.getvalue()
    assert hashlib.sha256(out.getvalue().encode()).hexdigest() == recomputed_digest(review)
    assert recomputed_digest(review) in err.getvalue()


def test_an_unpublished_fairs_protocol_is_not_public(client, shortlisted):
    review = shortlisted["review"]
    make_public(review)
    type(review.fair).objects.filter(pk=review.fair_id).update(is_published=False)
    assert client.get(protocol_url(review)).status_code == 404


def test_the_script_in_the_docs_recomputes_the_digest(shortlisted, tmp_path):
    review = shortlisted["review"]
    docs = (settings.BASE_DIR / "docs" / "commission-protocol.md").read_text(encoding="utf-8")
    script = tmp_path / "digest.py"
    script.write_text(docs.split("```python\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    rows = Score.objects.filter(evaluation__juror__review=review).values_list(
        "evaluation__project_id", "evaluation__juror_id", "criterion_id", "value"
    )
    scores = tmp_path / "scores.csv"
    # Unsorted on purpose: the script sorts.
    scores.write_text("".join(f"{p},{j},{c},{'n/a' if v is None else v}\n" for p, j, c, v in reversed(rows)))
    result = subprocess.run(
        [sys.executable, str(script), str(scores)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == recomputed_digest(review)


def test_the_fair_page_links_the_protocol_once_it_is_public(client, shortlisted):
    review = shortlisted["review"]
    with translation.override("kk"):
        fair_page = reverse("catalogue:fair_detail", args=[review.fair.slug])
    assert protocol_url(review) not in client.get(fair_page).content.decode()

    review.protocol_public = ProtocolPublic.NOW  # as the review admin saves it: the cached
    review.save()  # fair page must follow at once

    assert protocol_url(review) in client.get(fair_page).content.decode()


def test_the_protocol_says_how_the_reading_was_split(client, shortlisted):
    """With assigned reading a finalist's score is the mean over its own readers (2, not 9): a
    journalist comparing the jurors' counts must read that this is the rule, not a gap."""
    review = shortlisted["review"]
    make_public(review)
    everyone = flat(pdf_text(client.get(protocol_url(review, "en"))))
    Review.objects.filter(pk=review.pk).update(reading=Reading.ASSIGNED, readers_per_project=2)
    assigned = flat(pdf_text(client.get(protocol_url(review, "en"))))

    assert "Reading: every juror read every project of their seat." in everyone
    assert "Reading: each project was read by 2 jurors" in assigned
    assert "mean over the jurors who read it" in assigned
