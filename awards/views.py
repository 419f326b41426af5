"""Public pages of the awards: a fair's winners and ceremony, and each award's certificate."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from awards import selectors
from awards.certificates import certificate_pdf
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
