"""Numbers and phone numbers the way people in Kazakhstan read them."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value):
    """5000000 → "5 000 000" (kk, ru) or "5,000,000" (en), without turning on grouping site-wide,
    which would also group the ids that templates put into links."""
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def phone(value: str) -> str:
    """+77011234567 → +7 701 123 45 67; anything else as it is."""
    if isinstance(value, str) and len(value) == 12 and value.startswith("+7") and value[1:].isdigit():
        return f"+7 {value[2:5]} {value[5:8]} {value[8:10]} {value[10:]}"
    return value
