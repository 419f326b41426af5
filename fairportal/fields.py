"""Model fields with no domain knowledge."""

from django import forms
from django.contrib.postgres.fields import ArrayField


class ChoiceArrayField(ArrayField):
    """A PostgreSQL array of choices, edited as a group of checkboxes (at least one ticked).

    Django's own ArrayField form field is a comma-separated text box, which no organiser should
    have to type valid codes into.
    """

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would force its SimpleArrayField.
        return super(ArrayField, self).formfield(**defaults)
