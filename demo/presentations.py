"""The demo's presentations step: the archived demo fair (demo-2025, whose jury shortlist the jury
step applied) gets its presentation round: the reading round's criteria, a public programme of
its finalists over two days between the close of voting and the ceremony, the NGOs' answers
(most confirmed, two asked for another time, one never answered) and the outcomes (one finalist
did not come). All of it lies in the past, like the rest of that fair; no e-mail is sent.
Runs after the jury step. The page: /<lang>/fairs/demo-2025/programme/."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from demo.fairs import FAIRS, SLUGS, MissingFair
from jury.models import Review
from presentations import services
from presentations.models import PresentationCriterion, PresentationRound, Slot, SlotAnswer, SlotOutcome

FAIR = FAIRS["archived"]
SWAP_NOTES = [
    "Біздің спикер сол күні аймақта болады; екінші күні түстен кейін ыңғайлы.",
    "Можно ли перенести на утро? Наш координатор днём ведёт занятия с детьми.",
]


def delete() -> str:
    deleted, _by_model = PresentationRound.objects.filter(review__fair__slug__in=SLUGS).delete()
    return f"Deleted {deleted} demo presentation rows."


def seed() -> str:
    fair = FAIR.get()
    if fair is None:
        raise MissingFair(FAIR)
    review = Review.objects.filter(fair=fair, shortlist_applied_at__isnull=False).first()
    if review is None:
        return f"{fair.slug} has no applied shortlist; no presentation round."
    if PresentationRound.objects.filter(review=review).exists():
        return f"{fair.slug} already has a presentation round; nothing to do."
    first_day = timezone.localtime(fair.voting_closes_at).date() + timedelta(days=2)
    presentation_round = PresentationRound.objects.create(
        review=review,
        first_day=first_day,
        days=2,
        day_starts_at=time(10, 0),
        day_ends_at=time(15, 0),
        slot_minutes=15,
        gap_minutes=5,
        room="«Достық» залы / Зал «Достық»",
        video_link="https://meet.example.kz/demo-2025-jury",
        scoring_closes_at=services.local_moment(first_day + timedelta(days=2), time(0, 0)),
        programme_public=True,
    )
    PresentationCriterion.objects.bulk_create(
        PresentationCriterion(
            round=presentation_round,
            **{
                name: getattr(criterion, name)
                for name in (
                    "title_kk",
                    "title_ru",
                    "title_en",
                    "guidance_kk",
                    "guidance_ru",
                    "guidance_en",
                    "weight",
                    "scale_max",
                    "position",
                )
            },
        )
        for criterion in review.criteria.order_by("position", "pk")
    )
    # Laid out as the organisers did before the days, which are past now.
    proposal = services.schedule_propose(
        round=presentation_round,
        now=timezone.make_aware(datetime.combine(presentation_round.first_day, time(0, 0))),
    )
    slots = []
    for index, entry in enumerate(proposal.slots):
        answer, note = SlotAnswer.CONFIRMED, ""
        if index in (3, 11):
            answer, note = SlotAnswer.SWAP, SWAP_NOTES[index % 2]
        elif index == 7:
            answer = SlotAnswer.NONE
        slots.append(
            Slot(
                round=presentation_round,
                project=entry.project,
                starts_at=entry.starts_at,
                ends_at=entry.ends_at,
                room=presentation_round.room,
                video_link=presentation_round.video_link,
                answer=answer,
                answer_note=note,
                answered_at=None if answer == SlotAnswer.NONE else entry.starts_at - timedelta(days=3),
                outcome=SlotOutcome.ABSENT if index == 7 else SlotOutcome.PRESENTED,
                notified_at=entry.starts_at - timedelta(days=7),
                reminded_at=entry.starts_at - timedelta(hours=20),
            )
        )
    Slot.objects.bulk_create(slots)
    return f"Created a demo presentation round with {len(slots)} slots for {fair.slug}."
