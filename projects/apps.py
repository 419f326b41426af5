from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Fairs, nominations, NGOs and their projects (see docs/architecture.md)."""

    name = "projects"
    verbose_name = _("Fairs and projects")

    def ready(self) -> None:
        from fairportal import page_cache
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
