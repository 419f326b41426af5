from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Fairs, nominations, NGOs and their projects (see docs/architecture.md)."""

    name = "projects"
    verbose_name = _("Fairs and projects")
