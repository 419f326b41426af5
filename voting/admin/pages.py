"""The votes admin's own pages (`fairportal.admin_pages`): suspicious clusters, the counts
export, a card batch's PDF. Each is `page(model_admin, request, **url_kwargs)`."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit
from fairportal.admin_pages import require
from projects.models import Fair
from voting import cards, exports, selectors
from voting.admin.filters import EmailDomainFilter, ValidityFilter, results_visible
from voting.admin.forms import ClusterForm
from voting.models import CardBatch, Vote

CLUSTER_DEFAULT_WINDOW = 10
CLUSTER_DEFAULT_MIN_VOTES = 5
# Enough of a keyed hash to tell addresses apart on one page, never the whole digest.
IP_PREFIX_LENGTH = 12
CLUSTER_TITLES = {
    "ip": _("One IP address (hashed)"),
    "network": _("One network"),
    "domain": _("One e-mail domain"),
}


def clusters(model_admin, request):
    require(model_admin.has_view_permission(request))
    fairs = list(
        Fair.objects.annotate(has_votes=Exists(Vote.objects.filter(fair=OuterRef("pk")))).order_by(
            "-voting_opens_at"
        )
    )
    default_fair = next((fair for fair in fairs if fair.has_votes), fairs[0] if fairs else None)
    data = {
        "fair": default_fair.pk if default_fair else "",
        "minutes": CLUSTER_DEFAULT_WINDOW,
        "min_votes": CLUSTER_DEFAULT_MIN_VOTES,
        **{key: request.GET[key] for key in ("fair", "minutes", "min_votes") if key in request.GET},
    }
    form = ClusterForm(data if fairs else None, fairs=fairs)
    fair = None
    sections = []
    if form.is_valid():
        fair = next(fair for fair in fairs if fair.pk == form.cleaned_data["fair"])
        found = selectors.suspicious_clusters(
            fair=fair,
            window=timedelta(minutes=form.cleaned_data["minutes"]),
            min_votes=form.cleaned_data["min_votes"],
        )
        sections = [
            {
                "kind": kind,
                "title": title,
                "rows": [
                    {
                        "label": _cluster_label(cluster),
                        "votes": cluster.votes,
                        "first": cluster.first,
                        "last": cluster.last,
                        "url": _cluster_url(fair, cluster),
                    }
                    for cluster in found
                    if cluster.kind == kind
                ],
            }
            for kind, title in CLUSTER_TITLES.items()
        ]
    return model_admin.render_page(
        request,
        "admin/voting/vote/clusters.html",
        title=_("Suspicious clusters of votes"),
        subtitle=fair.title if fair else None,
        form=form,
        fair=fair,
        sections=sections,
        clusters_per_kind=selectors.CLUSTERS_PER_KIND,
    )


def _cluster_label(cluster: selectors.Cluster) -> str:
    return f"{cluster.key[:IP_PREFIX_LENGTH]}…" if cluster.kind == "ip" else cluster.key


def _cluster_url(fair: Fair, cluster: selectors.Cluster) -> str:
    lookup = {
        "ip": ("ip_digest__startswith", cluster.key[:IP_PREFIX_LENGTH]),
        "network": ("network", cluster.key),
        "domain": (EmailDomainFilter.parameter_name, cluster.key),
    }[cluster.kind]
    query = {
        "fair__id__exact": fair.pk,
        lookup[0]: lookup[1],
        "created_at__gte": cluster.first.isoformat(),
        "created_at__lte": cluster.last.isoformat(),
        ValidityFilter.parameter_name: "valid",
    }
    return f"{reverse('admin:voting_vote_changelist')}?{urlencode(query)}"


def export_counts(model_admin, request, fair_id: int):
    """Valid and invalidated votes per finalist, once the fair's results are visible; never voters."""
    fair = model_admin.page_object(Fair.objects, fair_id, allowed=model_admin.has_view_permission(request))
    if not results_visible(fair):
        model_admin.message_user(request, gettext("Counts are hidden until voting closes."), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:voting_vote_changelist"))
    audit.record(actor=request.user, action="export.vote_counts", target=fair, details={"format": "csv"})
    return exports.counts_csv_response(fair)


def card_pdf(model_admin, request, pk: int):
    batch = model_admin.page_object(CardBatch.objects.select_related("fair"), pk, allowed=True)
    try:
        pdf = cards.card_batch_print(batch=batch, actor=request.user)
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:voting_cardbatch_change", args=[pk]))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="voting-cards-{batch.pk}.pdf"'
    return response
