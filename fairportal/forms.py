"""Form fields every app's forms share."""

from django import forms


class MultilineTextField(forms.CharField):
    """Browsers send line breaks as CR LF; count each as one character, as people and the
    on-screen counter do, so a text the counter accepts is never refused as too long."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value
