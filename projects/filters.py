import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from projects.models import Nomination, Project, ProjectState, Region, Sphere
from projects.selectors import search_projects


class PublicProjectFilter(django_filters.FilterSet):
    """The catalogue's filters. Everything lives in the query string, so a filtered list can be shared."""

    SORT_CHOICES = [
        ("relevance", _("Best match")),
        ("newest", _("Newest first")),
        ("title", _("Title, A–Z")),
        ("beneficiaries", _("Most beneficiaries")),
    ]

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Project, NGO or topic")}),
    )
    nomination = django_filters.ModelChoiceFilter(
        label=_("Nomination"), queryset=Nomination.objects.none(), empty_label=_("All nominations")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("All regions")
    )
    sphere = django_filters.ModelChoiceFilter(
        label=_("Sphere"),
        field_name="spheres",
        queryset=Sphere.objects.all(),
        empty_label=_("All spheres"),
    )
    finalists = django_filters.BooleanFilter(
        label=_("Finalists only"),
        method="filter_finalists",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    class Meta:
        model = Project
        fields = ["q", "nomination", "region", "sphere", "finalists", "sort"]

    def __init__(self, *args, fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["nomination"].queryset = fair.nominations.all()

    def filter_finalists(self, queryset, name, value):
        return queryset.filter(state__in=[ProjectState.FINALIST, ProjectState.AWARDED]) if value else queryset

    def filter_search(self, queryset, name, value):
        return search_projects(queryset, value)

    def sort_by(self, queryset, name, value):
        # Applied in `qs` below, after every filter, so relevance can use the search rank.
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else ""
        searching = bool(self.form.cleaned_data.get("q")) if self.form.is_valid() else False
        if sort == "title":
            return queryset.order_by("title", "pk")
        if sort == "beneficiaries":
            return queryset.order_by(F("beneficiaries").desc(nulls_last=True), "pk")
        if sort == "relevance" and searching:
            return queryset.order_by("-rank", "pk")
        return queryset.order_by(F("submitted_at").desc(nulls_last=True), "-pk")
