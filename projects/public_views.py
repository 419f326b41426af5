"""The public site: fairs, the project catalogue, project and organisation pages.

Only `Project.objects.public()` reaches these views, so a draft, returned or withdrawn
project cannot leak through any of them.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from fairportal import page_cache
from fairportal.page_cache import cached_public_page
from projects import selectors
from projects.filters import PublicProjectFilter
from projects.media import parse_video_url
from projects.models import Organisation, Phase

PROJECTS_PER_PAGE = 24


@cached_public_page
def fair_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    fairs = list(selectors.public_fairs())
    return render(
        request,
        "catalogue/fair_list.html",
        {"fairs": [(fair, fair.phase_at(now)) for fair in fairs], "archived": Phase.ARCHIVED},
    )


@cached_public_page
def fair_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fair = get_object_or_404(selectors.public_fairs(), slug=slug)
    now = timezone.now()
    finalists = selectors.public_project_cards().filter(fair=fair, state__in=["finalist", "awarded"])
    return render(
        request,
        "catalogue/fair_detail.html",
        {
            "fair": fair,
            "phase": fair.phase_at(now),
            "nominations": selectors.nominations_with_public_counts(fair),
            "finalists": finalists.order_by("nomination__position", "title")[:12],
            # Dates moved after voting opened: the public learns of every one, with its reason.
            "schedule_changes": list(fair.schedule_changes.all()),
        },
    )


@cached_public_page
def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    fair = get_object_or_404(selectors.public_fairs(), slug=slug)
    project_filter = PublicProjectFilter(
        request.GET or None, queryset=selectors.public_project_cards().filter(fair=fair), fair=fair
    )
    page = Paginator(project_filter.qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    # 1 … 4 5 [6] 7 8 … 153: the template no longer walks every page number of a large fair.
    page_numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/project_list.html",
        {
            "fair": fair,
            "filter": project_filter,
            "page": page,
            "page_numbers": page_numbers,
            "query": query.urlencode(),
            # The filter form is the costliest part to render and the same for every page of a
            # query: kept as a fragment that ends with the cached pages (see the template).
            "cache_generation": page_cache.current_generation(),
            "phase": fair.phase_at(timezone.now()),
        },
    )


@cached_public_page
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.public_project(pk)
    if project is None:
        raise Http404
    images = list(project.images.all())
    return render(
        request,
        "catalogue/project_detail.html",
        {
            "project": project,
            "images": images,
            "share_image": images[0] if images else None,
            "video": parse_video_url(project.video_url) if project.video_url else None,
            "other_projects": [p for p in project.organisation.projects.all() if p.pk != project.pk],
            "can_vote": project.state == "finalist" and project.fair.voting_open_at(timezone.now()),
        },
    )


@cached_public_page
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("region"), pk=pk)
    projects = list(
        selectors.public_project_cards()
        .select_related("fair")
        .filter(organisation=organisation)
        .order_by("-fair__submission_opens_at")
    )
    if not projects:
        # An NGO without public projects has no public page: nothing to show, nothing to leak.
        raise Http404
    return render(
        request, "catalogue/organisation_detail.html", {"organisation": organisation, "projects": projects}
    )
