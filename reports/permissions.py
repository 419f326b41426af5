from projects.permissions import is_organiser


def can_see_dashboard(user) -> bool:
    """The fair dashboard is for organisers (staff who may read projects) and superusers; each
    panel then asks for the permission its data needs in the admin (reports.dashboard)."""
    return is_organiser(user, "projects.view_project")
