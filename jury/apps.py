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

        # The window and the protocol are saved by `services.review_update`, which does not record
        # them itself; the criteria by `criterion_save` / `criterion_delete`, which do.
        audit.track_changes(
            models.Review,
            action="review.changed",
            fields=(
                "opens_at",
                "closes_at",
                "protocol_public",
                "normalisation",
                "reading",
                "readers_per_project",
            ),
            fair_of=lambda review: review.fair_id,
        )

        from django.db import transaction
        from django.db.models.signals import post_save

        from projects.models import ProjectStateChange

        # A project submitted late, withdrawn or returned changes who must read what: the
        # projects app knows nothing of the jury, so its state history tells us, and the readings
        # are re-balanced once the change is committed (`services.rebalance_after_state_change`).
        def rebalance_readings(sender, instance, created, **kwargs):
            # Only a change into or out of the review matters: a shortlist making a hundred
            # finalists (still under review) re-balances nothing.
            if created and (instance.from_state in models.REVIEWED_STATES) != (
                instance.to_state in models.REVIEWED_STATES
            ):
                from jury.services import rebalance_after_state_change

                project_id = instance.project_id
                transaction.on_commit(lambda: rebalance_after_state_change(project_id))

        post_save.connect(
            rebalance_readings, sender=ProjectStateChange, dispatch_uid="jury.rebalance_readings"
        )
