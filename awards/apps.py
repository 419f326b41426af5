from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    """Ceremonies and awards (see docs/architecture.md)."""

    name = "awards"
    verbose_name = _("Awards and ceremonies")

    def ready(self) -> None:
        from awards import models
        from fairportal import page_cache

        page_cache.invalidate_when_changed(
            models.Ceremony, models.CeremonyPhoto, models.Award, models.RevokedCertificate
        )
