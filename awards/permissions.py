"""Who may see what of a ceremony before it is published: plain predicates."""

from awards.models import Ceremony


def can_view_ceremony_photos(user, ceremony: Ceremony) -> bool:
    """Everyone once the ceremony and its fair are published; before that the organisers only."""
    if ceremony.is_published and ceremony.fair.is_published:
        return True
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("awards.view_ceremonyphoto")
    )
