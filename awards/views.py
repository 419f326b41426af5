"""Public pages of the awards: a fair's winners and ceremony, each award's certificate, and the
page its QR code leads to, which says whether the certificate is real and still valid."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from awards import selectors
from awards.certificates import certificate_pdf, verification_url
from fairportal import ratelimit
from fairportal.page_cache import cached_public_page
from projects.media import parse_video_url
from projects.models import Fair


@cached_public_page
def winners(request: HttpRequest, slug: str) -> HttpResponse:
    fair = get_object_or_404(Fair.objects.filter(is_published=True), slug=slug)
    ceremony = selectors.published_ceremony(fair)
    return render(
        request,
        "awards/winners.html",
        {
            "fair": fair,
            "ceremony": ceremony,
            "groups": selectors.winners(fair) if ceremony else [],
            "participants": selectors.participant_count(fair) if ceremony else 0,
            "video": parse_video_url(ceremony.video_url) if ceremony and ceremony.video_url else None,
            "phase": fair.phase_at(timezone.now()),
        },
    )


def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    award = selectors.public_award(pk)
    if award is None:
        raise Http404
    response = HttpResponse(certificate_pdf(award), content_type="application/pdf")
    name = slugify(f"{award.project.title}-{award.pk}") or str(award.pk)
    response["Content-Disposition"] = f'inline; filename="certificate-{name}-{get_language()}.pdf"'
    return response


# Guessing codes: 31**8 of them, and 30 misses per address per 10 minutes.
VERIFY_MISSES_LIMIT, VERIFY_MISSES_PERIOD = 30, 600


def _portal_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc


def verify_start(request: HttpRequest) -> HttpResponse:
    """The short address without a code: a box to type the code printed on the certificate."""
    typed = request.GET.get("code", "")
    code = selectors.normalise_verification_code(typed)
    if code and selectors.is_well_formed_verification_code(code):
        return redirect("awards:verify_certificate", code=code)
    return render(
        request,
        "awards/certificate_verify.html",
        {"domain": _portal_domain(), "typed": typed, "invalid": bool(typed)},
        status=404 if typed else 200,
    )


@cached_public_page
def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the certificate in hand: is it real, whose, and is it still valid?

    Cached like every public page: awards and revocation records end cached pages when they
    change (awards/apps.py), and a miss (404) is never stored. Misses count against the visitor's
    address; once over the limit every code is refused, found or not, so the limit cannot be
    used as an oracle.
    """
    canonical = selectors.normalise_verification_code(code)
    if canonical != code and selectors.is_well_formed_verification_code(canonical):
        return redirect("awards:verify_certificate", code=canonical, permanent=True)
    key = f"awards.verify:{ratelimit.digest(ratelimit.client_ip(request) or 'unknown')}"
    limited = ratelimit.peek(key, limit=VERIFY_MISSES_LIMIT, period=VERIFY_MISSES_PERIOD)
    if not limited.allowed:
        return ratelimit.too_many_requests(request, limited)
    check = selectors.certificate_check(code) if selectors.is_well_formed_verification_code(code) else None
    if check is None:
        ratelimit.hit(key, limit=VERIFY_MISSES_LIMIT, period=VERIFY_MISSES_PERIOD)
        return render(
            request,
            "awards/certificate_verify.html",
            {"domain": _portal_domain(), "typed": code, "invalid": True},
            status=404,
        )
    subject = check.award or check.revoked
    return render(
        request,
        "awards/certificate_verify.html",
        {
            "domain": _portal_domain(),
            "check": check,
            "award": check.award,
            "revoked": check.revoked,
            "subject": subject,
            "fair": subject.fair,
            "title": subject.title,
            "title_language": selectors.text_language(subject, "title", get_language()),
            "fair_language": selectors.text_language(subject.fair, "title", get_language()),
            "verification_url": verification_url(check.award) if check.award else "",
        },
    )
