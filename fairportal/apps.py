from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairportalConfig(AppConfig):
    """The site itself: pages, health check, site-wide template tags and commands."""

    name = "fairportal"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.site_header = _("fairportal administration")
        admin.site.site_title = _("fairportal")
        admin.site.index_title = _("Fair management")
