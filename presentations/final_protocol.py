"""The final protocol: how the commission's two rounds made the final ranking, as an A4 PDF.

A document of its own beside the jury's commission protocol (`jury.protocol`), not a section
added to it: `jury` may not import this app, and the commission protocol is published when the
shortlist is applied, weeks before anyone presents; the final protocol belongs to the awards.
It reuses the commission protocol's building blocks (styles, tables, numbers, the juror's
public name), so both documents read alike.

What is public here is what the commission protocol makes public: jurors' names and seats, how
many presentations each scored and recused from; per finalist the two round scores, the number
of jurors who scored the presentation, and the combined score. Never a juror's single scores,
comments, or which juror recused from which project.
"""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import KeepTogether

from fairportal.pdf import REGULAR, register_fonts
from jury.models import Recusal
from jury.protocol import MARGIN, PAGE, _juror_name, _number, _p, _styles, _table, _text, _when
from presentations.selectors import FinalRanking, Missing


def presentation_criterion_code(position: int) -> str:
    return _("P%(number)s") % {"number": position}


def _missing_text(reason: str) -> str:
    return {
        Missing.ABSENT: _("did not present"),
        Missing.NO_SLOT: _("no presentation slot"),
        Missing.NOT_SCORED: _("presentation not scored yet"),
        Missing.NO_READING: _("no reading score"),
    }[reason]


def method_text(data: FinalRanking) -> list[str]:
    """The rule in sentences, as the final ranking's page states it."""
    lines = [
        _("%(reading)s %% reading + %(presentation)s %% presentation; each round on a 0–100 scale.")
        % {"reading": data.reading_weight, "presentation": data.presentation_weight},
        _(
            "Reading: the jury's normalised score (each juror's marks as z-scores over their own projects, "
            "mapped back to 1–10), the score the shortlist was made on; 1 is 0 and 10 is 100."
        )
        if data.normalised
        else _(
            "Reading: the jury's score (the mean of the jurors' weighted marks, 1–10), the score the "
            "shortlist was made on; 1 is 0 and 10 is 100."
        ),
        _(
            "Presentation: each juror's weighted mean over the presentation criteria, each criterion's lowest "
            "score being 0 and its highest 100; then the mean over the jurors who scored the presentation "
            "(their number in brackets)."
        ),
        _(
            "A finalist without a presentation score (did not present, had no slot, or nobody scored the "
            "presentation yet) is ranked after every finalist who has one, among themselves by the reading "
            "score, and is not proposed for a prize."
        ),
        _(
            "Scores are compared exactly: finalists with the same combined score share a place (marked “=”); "
            "the commission decides between them."
        ),
    ]
    return lines


def _header(data: FinalRanking) -> list:
    round, fair = data.round, data.round.review.fair
    story = [
        _p(_("Final protocol of the expert commission"), "title"),
        _p(fair.title, "h2"),
        Spacer(0, 2 * mm),
    ]
    lines = [
        (_("Organiser"), fair.organiser),
        (_("Presentations from"), _when_day(round.first_day)),
        (_("Presentation scoring closes"), _when(round.scoring_closes_at)),
        (_("Protocol generated"), _when(timezone.now())),
        (_("Time zone"), timezone.get_current_timezone_name()),
    ]
    for label, value in lines:
        story.append(Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", _styles()["body"]))
    story.append(_p(_("How the final score is made"), "h2"))
    story += [_p(line, "body") for line in method_text(data)]
    return story


def _when_day(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _criteria(data: FinalRanking) -> list:
    rows = [
        [
            presentation_criterion_code(position),
            criterion.pk,
            criterion.title,
            _number(criterion.weight),
            f"1–{criterion.scale_max}",
        ]
        for position, criterion in enumerate(data.criteria, start=1)
    ]
    return [
        _p(_("Presentation criteria"), "h2"),
        _table(
            [_("Code"), _("Criterion ID"), _("Criterion"), _("Weight"), _("Scale")],
            rows,
            [16 * mm, 24 * mm, 183 * mm, 22 * mm, 22 * mm],
            numeric_from=3,
        ),
    ]


def _jurors(data: FinalRanking) -> list:
    review = data.round.review
    finalists = {row.project.pk for row in data.rows}
    scored: dict[int, set[int]] = {}
    for project_id, juror_id, _criterion_id, _value in data.scores:
        scored.setdefault(juror_id, set()).add(project_id)
    recused: dict[int, int] = {}
    for juror_id, project_id in Recusal.objects.filter(juror__review=review).values_list(
        "juror_id", "project_id"
    ):
        if project_id in finalists:
            recused[juror_id] = recused.get(juror_id, 0) + 1
    rows = []
    for juror in review.jurors.select_related("user").prefetch_related("nominations"):
        seat = ", ".join(nomination.title for nomination in juror.nominations.all()) or _("the whole fair")
        rows.append(
            [juror.pk, _juror_name(juror), seat, len(scored.get(juror.pk, ())), recused.get(juror.pk, 0)]
        )
    return [
        _p(_("Members of the commission at the presentations"), "h2"),
        _table(
            [_("Juror ID"), _("Juror"), _("Seat"), _("Presentations scored"), _("Recusals from finalists")],
            rows,
            [18 * mm, 70 * mm, 99 * mm, 40 * mm, 40 * mm],
            numeric_from=3,
        ),
    ]


def _ranking(data: FinalRanking) -> list:
    story = [_p(_("Final ranking"), "h2")]
    if not data.groups:
        story.append(_p(_("No finalists yet."), "body"))
    for group in data.groups:
        story.append(_p(group.nomination.title if group.nomination else _("Without a nomination"), "body"))
        rows = []
        for row in group.rows:
            notes = [_missing_text(reason) for reason in row.missing] + ([_("tie")] if row.tied else [])
            rows.append(
                [
                    f"={row.rank}" if row.tied else row.rank,
                    row.project.pk,
                    Paragraph(
                        f"{_text(row.project.title)}<br/><font color='#59636e'>{_text(row.project.organisation.name)}</font>",
                        _styles()["cell"],
                    ),
                    _number(row.reading),
                    "—"
                    if row.presentation is None
                    else f"{_number(row.presentation)} ({row.presentation_jurors})",
                    _number(row.combined),
                    "; ".join(notes),
                ]
            )
        story.append(
            _table(
                [
                    _("Rank"),
                    _("Project ID"),
                    _("Project"),
                    _("Reading (0–100, %(weight)s %%)") % {"weight": data.reading_weight},
                    _("Presentation (0–100, %(weight)s %%)") % {"weight": data.presentation_weight},
                    _("Combined"),
                    _("Note"),
                ],
                rows,
                [15 * mm, 20 * mm, 92 * mm, 32 * mm, 36 * mm, 24 * mm, 48 * mm],
                numeric_from=3,
            )
        )
        story.append(Spacer(0, 3 * mm))
    return story


def _digest(data: FinalRanking) -> list:
    return [
        KeepTogether(
            [
                _p(_("Digest of the presentation scores"), "h2"),
                _p(
                    _(
                        "SHA-256 of the %(count)s counted presentation scores, written like the reading "
                        "round's (“project_id,juror_id,criterion_id,value”, one line per score, sorted by the "
                        "three IDs):"
                    )
                    % {"count": len(data.scores)},
                    "body",
                ),
                _p(data.digest, "mono"),
            ]
        )
    ]


def final_protocol_pdf(data: FinalRanking) -> bytes:
    """The final protocol in the active language."""
    register_fonts()
    buffer = io.BytesIO()
    fair = data.round.review.fair
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{_('Final protocol of the expert commission')} — {fair.title}",
        author=str(fair.organiser),
        subject=str(fair),
    )
    footer = f"{fair.title} · SHA-256 {data.digest[:16]}…"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#59636e"))
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 2 * mm, _("Page %(number)s") % {"number": doc.page})
        canvas.restoreState()

    story = [*_header(data), *_criteria(data), *_jurors(data), *_ranking(data), *_digest(data)]
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
