"""A slot as an iCalendar file (RFC 5545), for the NGO's calendar: the e-mail's attachment and
the NGO page's download are the same file.

- METHOD:PUBLISH, not REQUEST: REQUEST is an invitation (RFC 5546) that needs an ORGANIZER and
  ATTENDEEs and makes calendar clients offer "accept / decline" buttons whose replies would go
  to an address nobody reads; the NGO answers on its page instead. PUBLISH just puts the event
  in the calendar, and a later file with the same UID and a higher SEQUENCE replaces it.
- Times in UTC (`…Z`): no VTIMEZONE to ship, and no client with outdated zone rules (Kazakhstan
  moved Almaty from UTC+6 to UTC+5 in March 2024) shows the wrong hour. Clients show the time in
  the reader's own zone; the text says the Almaty time too.
- The UID is stable per slot; SEQUENCE is `Slot.sequence`, bumped by every move or swap.
- Texts in the active language: the mail task renders it inside the recipient's language, the
  download view inside the page's.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from fairportal.text import quoted
from presentations.models import Slot

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//fairportal//presentations//EN"


def uid(slot: Slot) -> str:
    return f"presentation-slot-{slot.pk}@{urlsplit(settings.SITE_URL).hostname or 'fairportal'}"


def page_url(slot: Slot) -> str:
    return settings.SITE_URL + reverse("presentations:ngo_slot", args=[slot.project_id])


def filename(slot: Slot) -> str:
    return f"presentation-{slot.pk}.ics"


def location(slot: Slot) -> str:
    """The room, the video link, or both (a hybrid round: on stage, with a call for those online)."""
    return " / ".join(part for part in (slot.room, slot.video_link) if part)


def summary(slot: Slot) -> str:
    return gettext("Presentation of %(project)s — %(fair)s") % {
        "project": quoted(slot.project.title),
        "fair": slot.round.review.fair.title,
    }


def description(slot: Slot) -> str:
    local_start = timezone.localtime(slot.starts_at)
    lines = [
        gettext("%(date)s, %(time)s Almaty time, %(minutes)s minutes.")
        % {
            "date": formats.date_format(local_start, "DATE_FORMAT"),
            "time": local_start.strftime("%H:%M"),
            "minutes": slot.duration_minutes,
        },
    ]
    if slot.room:
        lines.append(gettext("Room or stage: %(room)s") % {"room": slot.room})
    if slot.video_link:
        lines.append(gettext("Video call: %(link)s") % {"link": slot.video_link})
    lines.append(
        gettext("Confirm the time or ask for another one on the project's page: %(url)s")
        % {"url": page_url(slot)}
    )
    return "\n".join(lines)


def slot_calendar(slot: Slot) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid(slot))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("sequence", slot.sequence)
    event.add("summary", summary(slot))
    if where := location(slot):
        event.add("location", where)
    event.add("url", page_url(slot))
    event.add("description", description(slot))
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def slot_attachment(slot: Slot) -> tuple[str, bytes, str]:
    """For `fairportal.mail.Attachment`: (filename, content, mimetype)."""
    return filename(slot), slot_calendar(slot), "text/calendar"
