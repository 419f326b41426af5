from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class FairportalConfig(AppConfig):
    """The site itself: pages, health check, site-wide template tags and commands."""

    name = "fairportal"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.admin.templatetags import admin_list

        from fairportal.admin_widgets import boolean_icon

        admin.site.site_header = _("fairportal administration")
        admin.site.site_title = _("fairportal")
        admin.site.index_title = _("Fair management")
        # Django's private helper, replaced so the icons' text follows the language; its callers
        # import it when they render, so they all get ours.
        admin_list._boolean_icon = boolean_icon


class TaskQueueConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks' database queue (it sends our mail), under a translatable name: the app's
    own, "Tasks Database Backend", is English only."""

    default = False  # named in INSTALLED_APPS; `fairportal` itself is FairportalConfig
    verbose_name = _("Task queue")
