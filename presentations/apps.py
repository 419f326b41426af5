from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresentationsConfig(AppConfig):
    """The finalists' presentation round: its schedule, the NGOs' answers, the jurors' scores of
    each presentation, and the final ranking that combines it with the reading round."""

    name = "presentations"
    verbose_name = _("Presentation round")

    def ready(self) -> None:
        from fairportal import page_cache
        from presentations import models

        # The public programme (and the fair page's link to it) shows the round and its slots.
        page_cache.invalidate_when_changed(models.PresentationRound, models.Slot)
