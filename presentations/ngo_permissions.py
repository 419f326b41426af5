"""Who may see and answer a presentation slot, and who runs the round: plain predicates.

(Named apart from the jurors' predicates, which live beside their own pages.)
"""

from projects.models import Project
from projects.permissions import is_member


def can_see_slot(user, project: Project) -> bool:
    """The NGO's page of its slot, and answering it: members of the project's NGO only (others
    get a 404). Whether the slot can still be answered is the slot's own state
    (`services.slot_answerable`), not a question of who asks."""
    return is_member(user, project.organisation)


def can_open_round(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("presentations.add_presentationround")


def can_manage_slots(user) -> bool:
    """Make the schedule, move and swap slots, record who presented."""
    return user.is_authenticated and user.is_staff and user.has_perm("presentations.change_slot")
