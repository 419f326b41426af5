from django.urls import reverse

from presentations.models import PresentationRound
from projects.sitemaps import LocalizedSitemap


class ProgrammeSitemap(LocalizedSitemap):
    changefreq = "daily"

    def items(self):
        return (
            PresentationRound.objects.filter(programme_public=True, review__fair__is_published=True)
            .select_related("review__fair")
            .order_by("pk")
        )

    def location(self, presentation_round):
        return reverse("presentations:programme", args=[presentation_round.review.fair.slug])
