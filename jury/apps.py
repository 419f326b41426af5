from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    """The expert commission: criteria, jurors, conflicts of interest, scores, ranking."""

    name = "jury"
    verbose_name = _("Expert jury")

    def ready(self) -> None:
        from fairportal import page_cache
        from jury import models

        # The public fair page links the commission protocol once the review makes it public.
        page_cache.invalidate_when_changed(models.Review)
