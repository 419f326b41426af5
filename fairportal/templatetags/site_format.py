"""Numbers, amounts, titles and phone numbers the way people in Kazakhstan read them."""

from django import template

from fairportal import text

register = template.Library()


@register.filter
def grouped(value):
    """5000000 → "5 000 000" (kk, ru) or "5,000,000" (en): for what people read, never in a link,
    a form value, a data attribute or an export."""
    return text.grouped(value)


@register.filter
def money(value):
    """5000000 → "5 000 000 теңге" / "5 000 000 тенге" / "5,000,000 KZT": the one currency word."""
    return text.money(value)


@register.filter
def quoted(value):
    """A title in «quotes» (“quotes” in English), not doubled when it already has its own."""
    return text.quoted(value)


@register.filter
def phone(value: str) -> str:
    """+77011234567 → +7 701 123 45 67; anything else as it is."""
    if isinstance(value, str) and len(value) == 12 and value.startswith("+7") and value[1:].isdigit():
        return f"+7 {value[2:5]} {value[5:8]} {value[8:10]} {value[10:]}"
    return value
