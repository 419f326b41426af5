"""The jury's links on projects' pages (the commission protocol, the NGO's feedback), without
projects importing jury."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from jury import permissions
from jury.models import Review

register = template.Library()


@register.simple_tag
def commission_protocol_public(fair) -> bool:
    """Whether anyone may read the fair's commission protocol now (the page is the same for all)."""
    review = Review.objects.filter(fair=fair).select_related("fair").first()
    return review is not None and permissions.can_see_commission_protocol(
        AnonymousUser(), review, timezone.now()
    )


@register.simple_tag(takes_context=True)
def ngo_feedback_ready(context, project) -> bool:
    """Whether the user may read the jury's feedback on the project now (after the shortlist)."""
    review = Review.objects.filter(fair_id=project.fair_id).first()
    user = context["request"].user if "request" in context else AnonymousUser()
    return permissions.can_see_ngo_feedback(user, project, review)
