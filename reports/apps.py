from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reads across every other app: the organisers' fair dashboard and the public open data.

    Its own app because both read projects, jury, voting and awards at once, and none of those
    may import the others that way (docs/architecture.md). Nothing imports `reports`.
    """

    name = "reports"
    verbose_name = _("Reports")
