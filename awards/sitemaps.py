from django.urls import reverse

from awards.models import Ceremony
from projects.sitemaps import LocalizedSitemap


class WinnersSitemap(LocalizedSitemap):
    """A fair's winners page, once its ceremony is published (before that the page has no winners)."""

    changefreq = "monthly"

    def items(self):
        return (
            Ceremony.objects.filter(is_published=True, fair__is_published=True)
            .select_related("fair")
            .only("fair__slug")
            .order_by("fair_id")
        )

    def location(self, ceremony):
        return reverse("awards:winners", args=[ceremony.fair.slug])
