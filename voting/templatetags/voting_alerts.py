from django import template

from voting import selectors

register = template.Library()

BANNER_ALERTS = 5


@register.inclusion_tag("admin/voting/alert_banner.html", takes_context=True)
def voting_alert_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"alerts": [], "more": 0}
    alerts = list(selectors.open_alerts(user)[: BANNER_ALERTS + 1])
    return {"alerts": alerts[:BANNER_ALERTS], "more": len(alerts) > BANNER_ALERTS}
