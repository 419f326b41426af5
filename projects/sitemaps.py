from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from projects import selectors
from projects.models import Organisation, Project


class LocalizedSitemap(Sitemap):
    # Every page exists under /kk/, /ru/ and /en/; the sitemap lists each with its alternates.
    i18n = True
    alternates = True
    x_default = False


class StaticPagesSitemap(LocalizedSitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "about", "catalogue:fair_list", "reports:open_data"]

    def location(self, item):
        return reverse(item)


class FairSitemap(LocalizedSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_fairs().order_by("pk")

    def location(self, fair):
        return reverse("catalogue:fair_detail", args=[fair.slug])


class ProjectSitemap(LocalizedSitemap):
    changefreq = "weekly"
    limit = 2000  # × 3 languages, under the protocol's 50 000 URLs per file

    def items(self):
        return Project.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, project):
        return project.updated_at


class OrganisationSitemap(LocalizedSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Organisation.objects.filter(projects__in=Project.objects.public())
            .distinct()
            .only("pk")
            .order_by("pk")
        )

    def location(self, organisation):
        return reverse("catalogue:organisation_detail", args=[organisation.pk])


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "fairs": FairSitemap,
    "projects": ProjectSitemap,
    "organisations": OrganisationSitemap,
}
