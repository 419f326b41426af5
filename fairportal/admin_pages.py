"""What every organiser page of the admin shares: its URL, its permission, its object, its frame.

A ModelAdmin lists its pages once in `organiser_pages` as (route, view, URL suffix); each view
is a plain function `view(model_admin, request, **url_kwargs)` in the app's `admin/pages.py`.
The admin site wraps it (log-in, staff, second factor), the URL is named
`<app>_<model>_<suffix>` like Django's own, and `render_page` gives the template what the
admin's own pages have (site header, `opts`, title, the object for the breadcrumbs, media),
so every page extends `admin/organiser_page.html` and each view is its own few lines.
"""

from collections.abc import Callable
from functools import partial, update_wrapper

from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

# (app label, model, field) of an autocomplete -> (request, queryset) -> the narrowed results.
# An app whose form autocompletes another app's model registers its narrowing here (awards:
# only the ceremony's fair's finalists), so neither app's admin imports the other's.
_autocomplete_restrictions: dict[tuple[str, str, str], Callable] = {}


def restrict_autocomplete(app_label: str, model_name: str, field_name: str, restrict: Callable) -> None:
    _autocomplete_restrictions[(app_label, model_name, field_name)] = restrict


def restricted_autocomplete(request, queryset):
    """The autocomplete results `queryset` narrowed for the field asking (Django's autocomplete
    names it in `app_label`, `model_name`, `field_name`), or as they are for any other field."""
    source = tuple(request.GET.get(key, "") for key in ("app_label", "model_name", "field_name"))
    restrict = _autocomplete_restrictions.get(source)
    return restrict(request, queryset) if restrict else queryset


def require(allowed: bool) -> None:
    """Refuse the page (403) unless a permission predicate said yes."""
    if not allowed:
        raise PermissionDenied


class OrganiserPages:
    """Mixed in before `admin.ModelAdmin`: its `organiser_pages` become URLs ahead of the
    defaults, whose "<path:object_id>/" would swallow them."""

    organiser_pages: tuple[tuple[str, Callable, str], ...] = ()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        pages = [
            path(route, self.admin_site.admin_view(self._bound(view)), name="{}_{}_".format(*info) + suffix)
            for route, view, suffix in self.organiser_pages
        ]
        return [*pages, *super().get_urls()]

    def _bound(self, view: Callable) -> Callable:
        return update_wrapper(partial(view, self), view)

    def page_object(self, queryset, pk, *, allowed: bool):
        """The page's object, once `allowed` (a permission predicate's answer) says yes: a 403
        first, so nobody without the right learns which ids exist."""
        require(allowed)
        return get_object_or_404(queryset, pk=pk)

    def render_page(self, request, template: str, *, title, obj=None, subtitle=None, **context):
        """The page in the admin's frame; `obj` is linked in the breadcrumbs and shown as subtitle."""
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "subtitle": subtitle,
                "original": obj,
                "has_view_permission": self.has_view_permission(request, obj),
                "media": self.media,
                **context,
            },
        )

    def render_action_page(self, request, template: str, *, title, form, action_name: str, **context):
        """The intermediate page of an action: the chosen rows go back with the answer."""
        return self.render_page(
            request,
            template,
            title=title,
            form=form,
            action_name=action_name,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            **context,
        )
