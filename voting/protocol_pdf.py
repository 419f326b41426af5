"""The results protocol as a PDF, in the page's language: what the results page and the five
files say, on A4, for the notice board and the press (voting/protocol.py has the files)."""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from fairportal.pdf import BOLD, REGULAR, register_fonts
from projects.models import Fair
from voting import protocol, selectors
from voting.models import Channel, LedgerCommitment, ResultsProtocol


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=15, leading=19, spaceAfter=4 * mm
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=4 * mm
        ),
        "body": body,
        "mono": ParagraphStyle("mono", parent=body, fontSize=8, leading=10),
    }


def _table(rows: list[list], widths: list[float]) -> LongTable:
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
                ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def protocol_pdf(fair: Fair, revision: ResultsProtocol) -> bytes:
    register_fonts()
    style = _styles()
    cell = style["body"]
    story = [
        Paragraph(_("Results protocol of the public vote — %(fair)s") % {"fair": fair.title}, style["title"]),
        Paragraph(
            _("Revision %(revision)s, frozen on %(when)s. Voting closed on %(closed)s.")
            % {
                "revision": revision.revision,
                "when": formats.date_format(timezone.localtime(revision.frozen_at), "DATETIME_FORMAT"),
                "closed": formats.date_format(timezone.localtime(fair.voting_closes_at), "DATETIME_FORMAT"),
            },
            cell,
        ),
        Paragraph(
            _("Valid votes: %(valid)s. Invalidated votes: %(invalid)s.")
            % {"valid": revision.valid_votes, "invalid": revision.invalidated_votes},
            cell,
        ),
        Spacer(1, 2 * mm),
        Paragraph(_("SHA-256 digest of the five files:"), cell),
        Paragraph(revision.digest, style["mono"]),
    ]
    for group in selectors.tally_by_nomination(fair):
        title = group["nomination"].title if group["nomination"] else _("Without nomination")
        story.append(Paragraph(title, style["heading"]))
        rows = [[_("Project"), _("Organisation"), _("Valid votes")]]
        rows += [
            [Paragraph(project.title, cell), Paragraph(project.organisation.name, cell), votes]
            for project, votes, _percent in group["rows"]
        ]
        story.append(_table(rows, [85 * mm, 65 * mm, 25 * mm]))
    labels = dict(Channel.choices)
    story.append(Paragraph(_("Votes by how voters proved who they are"), style["heading"]))
    rows = [[_("Channel"), _("Valid votes"), _("Invalidated votes")]]
    rows += [
        [str(labels.get(channel, channel)), valid, invalid]
        for channel, valid, invalid in protocol.channel_counts(fair)
    ]
    story.append(_table(rows, [95 * mm, 40 * mm, 40 * mm]))
    reasons = list(protocol.invalidation_rows(fair))[1:]
    if reasons:
        story.append(Paragraph(_("Invalidated votes by reason"), style["heading"]))
        story.append(
            _table(
                [[_("Reason"), _("Votes")], *([Paragraph(r, cell), n] for r, n in reasons)],
                [150 * mm, 25 * mm],
            )
        )
    commitments = list(LedgerCommitment.objects.filter(fair=fair).order_by("sequence"))
    if commitments:
        story.append(Paragraph(_("Daily commitments to the ballot ledger"), style["heading"]))
        rows = [["№", _("Date"), _("Ballots"), _("Chained digest")]]
        rows += [
            [
                c.sequence,
                formats.date_format(timezone.localdate(c.created_at)),
                c.ballots,
                Paragraph(c.chain_digest, style["mono"]),
            ]
            for c in commitments
        ]
        story.append(_table(rows, [10 * mm, 30 * mm, 20 * mm, 115 * mm]))
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            _(
                "The files (ballots, commitments, counts, invalidations, receipts) are on the results page; docs/protocol.md explains how to recount them."
            ),
            cell,
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=17 * mm, rightMargin=17 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=str(_("Results protocol of the public vote — %(fair)s") % {"fair": fair.title}),
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()
