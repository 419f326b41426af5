"""The commission's protocol: an A4 PDF like the ones state expert commissions publish.

It states the review (fair, scoring window), the criteria with their weights and scales, the
members and their attendance, recusals, each finalist's per-criterion averages on the
ranking's 1–10 scale, the cut-off and the tie rule of the shortlist, and the SHA-256 digest of
the scores it was computed from (docs/commission-protocol.md says how to recompute it).

What is public and what is not: jurors' names, seats, how many projects each scored and
recused from, and whether they finalised; per finalist, how many jurors scored it and how many
recused. Never a juror's e-mail, the reasons of recusals, which juror recused from which
project, a single juror's scores or comments.

Drawn with ReportLab platypus in Open Sans (`ttf-opensans`, every Kazakh letter), embedded;
tables are `LongTable`s that repeat their header on each page. Texts in the active language.
"""

import io
from functools import cache

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.flowables import KeepTogether

from fairportal.pdf import BOLD, INK, REGULAR, register_fonts
from jury.models import Reading
from jury.selectors import CommissionProtocol

RULE = colors.HexColor("#b9c6cf")
SHADE = colors.HexColor("#eef3f6")
PAGE = landscape(A4)
MARGIN = 15 * mm


@cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=16, leading=20, textColor=INK),
        "h2": ParagraphStyle(
            "h2", body, fontName=BOLD, fontSize=12, leading=15, textColor=INK, spaceBefore=8
        ),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", body, fontName=BOLD, fontSize=8, leading=10),
        "number": ParagraphStyle("number", body, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
        "mono": ParagraphStyle("mono", body, fontSize=9, leading=12, wordWrap="CJK"),
    }


def _text(text) -> str:
    """Paragraphs read a little markup: the portal's texts are shown as they are."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text, style: str = "cell") -> Paragraph:
    return Paragraph(_text(text), _styles()[style])


def _number(value, places: int = 2) -> str:
    return "—" if value is None else formats.number_format(round(float(value), places), places)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def _table(header: list[str], rows: list[list], widths: list[float], numeric_from: int) -> LongTable:
    """A table that wraps its cells and repeats its header row on every page."""
    data = [[_p(title, "head") for title in header]]
    for row in rows:
        data.append(
            [
                cell
                if isinstance(cell, Paragraph)
                else _p(cell, "number" if index >= numeric_from else "cell")
                for index, cell in enumerate(row)
            ]
        )
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _juror_name(juror) -> str:
    # Never the e-mail address, which get_full_name() falls back to: the protocol is public.
    return juror.user.full_name.strip() or _("Juror no. %(id)s") % {"id": juror.pk}


def criterion_code(position: int) -> str:
    return _("C%(number)s") % {"number": position}


def _review_section(data: CommissionProtocol) -> list:
    review, fair = data.review, data.review.fair
    story = [
        _p(_("Protocol of the expert commission"), "title"),
        _p(fair.title, "h2"),
        Spacer(0, 2 * mm),
    ]
    lines = [
        (_("Organiser"), fair.organiser),
        (_("Scoring window"), f"{_when(review.opens_at)} — {_when(review.effective_closes_at)}"),
        (_("Shortlist applied"), _when(review.shortlist_applied_at)),
        (_("Public voting opens"), _when(fair.voting_opens_at)),
        (_("Protocol generated"), _when(timezone.now())),
        (_("Time zone"), timezone.get_current_timezone_name()),
    ]
    for label, value in lines:
        story.append(Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", _styles()["body"]))
    return story


def _reading_rule(review) -> str:
    """Who read what: with assigned reading a project's score is the mean over its own readers,
    which the finalists' table counts, so a reader of the protocol must know it is by design."""
    if review.reading == Reading.ASSIGNED:
        return ngettext(
            "Reading: each project was read by %(count)s juror, assigned so that the jurors' loads are "
            "balanced; its score is the mean over the jurors who read it.",
            "Reading: each project was read by %(count)s jurors, assigned so that the jurors' loads are "
            "balanced; its score is the mean over the jurors who read it.",
            review.readers_per_project,
        ) % {"count": review.readers_per_project}
    return _("Reading: every juror read every project of their seat.")


def _criteria_section(data: CommissionProtocol) -> list:
    rows = [
        [
            criterion_code(position),
            criterion.pk,
            criterion.title,
            _number(criterion.weight),
            f"1–{criterion.scale_max}",
            _("yes") if criterion.allow_cannot_assess else _("no"),
        ]
        for position, criterion in enumerate(data.criteria, start=1)
    ]
    return [
        _p(_("Criteria"), "h2"),
        _p(
            _(
                "Each score is put on the 1–10 scale (1 + (score − 1) × 9 / (highest − 1)); a juror's mark "
                "for a project is the weighted mean over the criteria they could assess; a project's score "
                "is the mean of its jurors' marks. “Cannot assess” is left out with its weight."
            ),
            "body",
        ),
        _p(_reading_rule(data.review), "body"),
        Spacer(0, 2 * mm),
        _table(
            [
                _("Code"),
                _("Criterion ID"),
                _("Criterion"),
                _("Weight"),
                _("Scale"),
                _("“Cannot assess” allowed"),
            ],
            rows,
            [16 * mm, 22 * mm, 139 * mm, 22 * mm, 22 * mm, 46 * mm],
            numeric_from=3,
        ),
    ]


def _jurors_section(data: CommissionProtocol) -> list:
    rows = []
    for entry in data.jurors:
        juror, progress = entry.juror, entry.progress
        seat = ", ".join(nomination.title for nomination in juror.nominations.all()) or _("the whole fair")
        rows.append(
            [
                juror.pk,
                _juror_name(juror),
                seat,
                progress.total,
                progress.scored,
                progress.recused,
                _when(juror.finalised_at) if juror.finalised_at else _("no"),
            ]
        )
    return [
        _p(_("Members of the commission and attendance"), "h2"),
        _p(
            _(
                "Projects in the seat: the projects under review in the juror's nominations. A recusal is a "
                "declared conflict of interest: the juror did not score that project. The reasons, and which "
                "project each juror recused from, are kept by the organisers and not published."
            ),
            "body",
        ),
        Spacer(0, 2 * mm),
        _table(
            [
                _("Juror ID"),
                _("Juror"),
                _("Seat"),
                _("Projects in the seat"),
                _("Scored"),
                _("Recusals"),
                _("Scores final since"),
            ],
            rows,
            [18 * mm, 58 * mm, 62 * mm, 28 * mm, 22 * mm, 27 * mm, 52 * mm],
            numeric_from=3,
        ),
    ]


def _finalists_section(data: CommissionProtocol) -> list:
    codes = [criterion_code(position) for position in range(1, len(data.criteria) + 1)]
    fixed = [15 * mm, 20 * mm, 55 * mm, 38 * mm]
    tail = [18 * mm, 21 * mm, 25 * mm]
    criterion_width = max(12 * mm, (PAGE[0] - 2 * MARGIN - sum(fixed) - sum(tail)) / max(len(codes), 1))
    rows = []
    for row in data.finalists:
        project = row.project
        rows.append(
            [
                row.rank if row.rank is not None else "—",
                project.pk,
                Paragraph(
                    f"{_text(project.title)}<br/><font color='#59636e'>{_text(project.organisation.name)}</font>",
                    _styles()["cell"],
                ),
                project.nomination.title if project.nomination_id else "—",
                *[_number(data.means.get((project.pk, criterion.pk))) for criterion in data.criteria],
                _number(row.score),
                row.jurors_scored,
                row.recusals,
            ]
        )
    story = [
        _p(_("Finalists"), "h2"),
        _p(
            _(
                "Averages per criterion on the 1–10 scale, over the jurors who assessed it; the score is the "
                "ranking's (the mean of the jurors' weighted marks), rounded to 0.01 here only."
            ),
            "body",
        ),
        Spacer(0, 2 * mm),
    ]
    if not rows:
        story.append(_p(_("No finalists yet."), "body"))
        return story
    story.append(
        _table(
            [
                _("Rank"),
                _("Project ID"),
                _("Project"),
                _("Nomination"),
                *codes,
                _("Score"),
                _("Jurors"),
                _("Recusals"),
            ],
            rows,
            [*fixed, *[criterion_width] * len(codes), *tail],
            numeric_from=4,
        )
    )
    return story


def _cut_off_section(data: CommissionProtocol) -> list:
    review, shortlist = data.review, data.shortlist
    story = [_p(_("Cut-off and tie rule"), "h2")]
    if shortlist is None:
        story.append(_p(_("The shortlist has not been applied through the portal."), "body"))
        return story
    scope = _("in each nomination") if review.shortlist_per_nomination else _("in the whole fair")
    story.append(
        _p(
            ngettext(
                "The best %(count)s scored project %(scope)s became a finalist.",
                "The best %(count)s scored projects %(scope)s became finalists.",
                review.shortlist_top_n,
            )
            % {"count": review.shortlist_top_n, "scope": scope},
            "body",
        )
    )
    story.append(
        _p(
            _(
                "Scores used: normalised (each juror's marks as z-scores over their own projects, mapped "
                "back to 1–10; see “How the jury's scores are combined” on the portal). The cut-off scores "
                "below are normalised scores."
            )
            if shortlist.normalised
            else _("Scores used: the raw mean of the jurors' marks."),
            "body",
        )
    )
    story.append(
        _p(
            _("Tie rule: projects tied with the last place within the cut-off are all included.")
            if review.shortlist_include_ties
            else _("Tie rule: projects tied with the last place within the cut-off are all left out."),
            "body",
        )
    )
    rows = []
    for group in shortlist.groups:
        rows.append(
            [
                group.nomination.title if group.nomination else _("the whole fair"),
                _number(group.cut) if group.cut is not None else _("fewer candidates than places: all in"),
                len(group.tied_at_cut),
                len(group.selected),
            ]
        )
    story.append(Spacer(0, 2 * mm))
    story.append(
        _table(
            [_("Group"), _("Cut-off score"), _("Tied at the cut-off"), _("Selected by the rule")],
            rows,
            [110 * mm, 60 * mm, 48 * mm, 49 * mm],
            numeric_from=1,
        )
    )
    return story


def _digest_section(data: CommissionProtocol) -> list:
    story = [
        _p(_("Digest of the scores"), "h2"),
        _p(
            ngettext(
                "SHA-256 of the %(count)s counted score, written canonically:",
                "SHA-256 of the %(count)s counted scores, written canonically:",
                data.scores_count,
            )
            % {"count": data.scores_count},
            "body",
        ),
        _p(data.digest, "mono"),
        _p(
            _(
                "Canonical form: the line “project_id,juror_id,criterion_id,value”, then one line per counted "
                "score with the project, juror and criterion IDs and the score as given on the criterion's own "
                "scale, or “n/a” for “cannot assess”; sorted by the three IDs as numbers; no spaces or quotes; "
                "UTF-8; a line feed after every line. The IDs are those in the tables above and in the scores "
                "export."
            ),
            "body",
        ),
    ]
    stored = data.review.shortlist_scores_sha256
    if data.scores_changed_since_shortlist:
        story.append(
            _p(
                _("Scores changed after the shortlist was applied; the digest then was: %(digest)s")
                % {"digest": stored},
                "body",
            )
        )
    elif stored:
        story.append(_p(_("The shortlist was applied to exactly these scores."), "body"))
    return [KeepTogether(story)]


def commission_protocol_pdf(data: CommissionProtocol) -> bytes:
    """The protocol in the active language."""
    register_fonts()
    buffer = io.BytesIO()
    fair = data.review.fair
    title = f"{_('Protocol of the expert commission')} — {fair.title}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
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

    story = [
        *_review_section(data),
        *_criteria_section(data),
        *_jurors_section(data),
        *_finalists_section(data),
        *_cut_off_section(data),
        *_digest_section(data),
    ]
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
