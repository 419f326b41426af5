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

        from fairportal import audit

        # The window, the protocol and the criteria are edited only in the review's admin form.
        audit.track_changes(
            models.Review,
            action="review.changed",
            fields=("opens_at", "closes_at", "protocol_public", "normalisation"),
            fair_of=lambda review: review.fair_id,
        )
        audit.track_changes(
            models.Criterion,
            action="criterion.changed",
            fields=(
                "title_kk",
                "title_ru",
                "title_en",
                "weight",
                "scale_max",
                "allow_cannot_assess",
                "position",
            ),
            fair_of=lambda criterion: criterion.review.fair_id,
        )
