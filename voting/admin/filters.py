"""The votes list's filters: nothing in them may count a project's votes while they are secret."""

from datetime import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Fair, Project, ProjectState
from voting.models import Vote

# The states `selectors.tally` counts: the projects people could vote for.
FINALIST_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)
TOP_DOMAINS = 30


def results_visible(fair: Fair, now: datetime | None = None) -> bool:
    return fair.results_visible_at(now or timezone.now())


def visible_fair_ids(now: datetime | None = None) -> set[int]:
    """Fairs whose counts may be shown now. One query; the rule stays in `Fair.results_visible_at`."""
    now = now or timezone.now()
    return {fair.pk for fair in Fair.objects.all() if fair.results_visible_at(now)}


def _chosen_fair_id(request) -> str:
    fair_id = request.GET.get("fair__id__exact", "")
    return fair_id if fair_id.isdigit() else ""


class FinalistFilter(admin.SimpleListFilter):
    """Finalists of fairs whose results are visible; nothing of a fair still counting in secret."""

    title = _("project")
    parameter_name = "finalist"

    def lookups(self, request, model_admin):
        projects = Project.objects.filter(
            fair_id__in=visible_fair_ids(), state__in=FINALIST_STATES
        ).select_related("fair")
        if fair_id := _chosen_fair_id(request):
            return [(str(project.pk), project.title) for project in projects.filter(fair_id=fair_id)]
        return [(str(project.pk), f"{project.title} ({project.fair.title})") for project in projects]

    def has_output(self) -> bool:
        # Shown with a value even without choices, so that queryset() refuses that value.
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in {value for value, _label in self.lookup_choices}:
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(project_id=self.value())


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("Counted")), ("invalidated", _("Invalidated"))]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(invalidated_at__isnull=True)
        if self.value() == "invalidated":
            return queryset.filter(invalidated_at__isnull=False)
        return queryset


class EmailDomainFilter(admin.SimpleListFilter):
    """The most frequent domains (of the chosen fair), plus the chosen one if it is rarer."""

    title = _("e-mail domain")
    parameter_name = "email_domain"

    def lookups(self, request, model_admin):
        votes = Vote.objects.exclude(email_domain="")
        if fair_id := _chosen_fair_id(request):
            votes = votes.filter(fair_id=fair_id)
        domains = list(
            votes.values_list("email_domain", flat=True)
            .annotate(votes=Count("id"))
            .order_by("-votes", "email_domain")[:TOP_DOMAINS]
        )
        chosen = request.GET.get(self.parameter_name)
        if chosen and chosen not in domains:
            domains.append(chosen)
        return [(domain, domain) for domain in domains]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(email_domain=self.value())
        return queryset
