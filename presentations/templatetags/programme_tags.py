"""The presentation round's links on projects' pages (the fair's programme, the NGO's slot),
without projects importing presentations."""

from django import template

from presentations import programme

register = template.Library()


@register.simple_tag
def presentation_programme_public(fair) -> bool:
    """Whether the fair's programme is public (the fair page is the same for every visitor)."""
    return programme.public_round(fair) is not None


@register.simple_tag
def presentation_slot_of(project):
    """The project's slot, for its NGO's own page (which only the NGO's members see)."""
    return programme.slot_of(project)
