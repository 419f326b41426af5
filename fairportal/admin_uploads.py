"""A file chosen on an admin form that comes back with errors is named, never silently lost.

A browser cannot be told to keep a chosen file when the page is shown again (a file input's
value cannot be set), and keeping the upload on the server between two requests would mean
a store of unchecked, unowned files to secure and to empty. So the page says plainly, next to
each file input and once at the top, which file was not saved and must be chosen again;
everything else typed is kept as usual (docs/architecture.md, Decisions).
"""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NOT_SAVED = _("“%(name)s” was not saved because of an error elsewhere on this page: choose it again.")


class ChosenFilesNotice:
    """Mixed in before `admin.ModelAdmin` of a change form with file fields (its own or inlines')."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES:
            self._name_files_to_choose_again(request, context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _name_files_to_choose_again(self, request, context) -> None:
        forms_shown = [context["adminform"].form]
        for inline in context.get("inline_admin_formsets", []):
            forms_shown.extend(inline.formset.forms)
        names = []
        for form in forms_shown:
            for field_name, field in form.fields.items():
                upload = request.FILES.get(form.add_prefix(field_name))
                if upload is None or not isinstance(field, forms.FileField):
                    continue
                names.append(upload.name)
                if field_name not in form.errors:  # its own error (a bad image) says enough
                    form.add_error(field_name, NOT_SAVED % {"name": upload.name})
        if names:
            messages.warning(
                request,
                ngettext(
                    "Choose this file again before saving: %(files)s. A browser does not keep a chosen "
                    "file when the page comes back with errors; everything else you typed is kept.",
                    "Choose these files again before saving: %(files)s. A browser does not keep chosen "
                    "files when the page comes back with errors; everything else you typed is kept.",
                    len(names),
                )
                % {"files": ", ".join(f"“{name}”" for name in names)},
            )
