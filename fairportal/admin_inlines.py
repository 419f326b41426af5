"""Admin inlines whose rows are written by services, like every other admin write.

`ServiceInline.delete_error(instance)` names why a row cannot be deleted (a nomination with
projects, a scored criterion); the refusal shows on that row, in our words and translated,
instead of Django's list of protected objects, and nothing of the form is lost.
`save_inline` is what `formset.save()` does, with each row handed to a service: additions and
changes first, deletions last (handing an NGO's ownership over works in one save).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


class ServiceInline:
    def delete_error(self, instance) -> ValidationError | None:
        return None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline = self

        def hand_clean_DELETE(form):
            # Called by Django's admin form for a row marked for deletion; raising shows on the row.
            if form.cleaned_data.get("DELETE", False) and not form.instance._state.adding:
                error = inline.delete_error(form.instance)
                if error is not None:
                    raise error

        formset.form = type(formset.form.__name__, (formset.form,), {"hand_clean_DELETE": hand_clean_DELETE})
        return formset


def save_inline(model_admin, request, formset, *, save: Callable, delete: Callable) -> None:
    """Write the formset's rows through `save(instance)` and `delete(instance)`.

    `formset.save(commit=False)` writes nothing and notes what changed for the admin's history.
    A refusal here means someone else changed the data meanwhile (the forms asked the same
    rules first): it is reported, and the rows already written stay.
    """
    instances = formset.save(commit=False)
    try:
        for instance in instances:
            save(instance)
        for instance in formset.deleted_objects:
            delete(instance)
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
