"""The commission protocol's link on the public fair page, without projects importing jury."""

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
