from django.urls import reverse
from django.utils import timezone

from projects import selectors
from projects.sitemaps import LocalizedSitemap


class ResultsSitemap(LocalizedSitemap):
    """A fair's results page, once its counts are public: a page of hidden counts is not worth a visit."""

    changefreq = "daily"

    def items(self):
        now = timezone.now()
        # Few fairs; the rule stays in one place (Fair.results_visible_at) rather than copied into SQL.
        return [fair for fair in selectors.public_fairs().order_by("pk") if fair.results_visible_at(now)]

    def location(self, fair):
        return reverse("voting:results", args=[fair.slug])
