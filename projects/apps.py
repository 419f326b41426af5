from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Fairs, nominations, NGOs and their projects (see docs/architecture.md)."""

    name = "projects"
    verbose_name = _("Fairs and projects")

    def ready(self) -> None:
        from fairportal import audit, page_cache
        from projects import models

        # Everything the public pages show about fairs, NGOs and projects.
        page_cache.invalidate_when_changed(
            models.Fair,
            models.Nomination,
            models.Sphere,
            models.Region,
            models.Organisation,
            models.Project,
            models.ProjectImage,
            models.FairScheduleChange,
        )
        # Nominations are edited only in the fair's admin inline: no service sees the write.
        audit.track_changes(
            models.Nomination,
            action="nomination.changed",
            fields=("title_kk", "title_ru", "title_en", "position"),
            fair_of=lambda nomination: nomination.fair_id,
        )
