"""The organisers' read-only audit of votes: filters, suspicious clusters, invalidation, counts.

Votes are never added, edited or deleted here; the only change is the "invalidate" action,
which calls `services.vote_invalidate` like everything else.

Secrecy: while a fair's results are hidden (`Fair.results_visible_at`), nothing here may let
anyone — superusers included — work out votes per project or nomination. For such fairs the
project is not shown (in the list or on a vote's page), the project filter offers none of
their projects, `lookup_allowed` accepts only the lookups listed below (so no hand-made
`?project=…` or `?scope=…`), and the counts export refuses. Totals per fair, per day,
channel, domain or network stay available: organisers fight fraud while voting runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE
from projects.models import Fair, Project, ProjectState
from voting import cards, selectors, services
from voting.models import CardBatch, Vote, VotingAlert

HIDDEN_UNTIL_CLOSED = _("hidden until voting closes")
# The states `selectors.tally` counts: the projects people could vote for.
FINALIST_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)
# Enough of a keyed hash to tell addresses apart on one page, never the whole digest.
IP_PREFIX_LENGTH = 12
TOP_DOMAINS = 30
CLUSTER_WINDOWS = (5, 10, 60)  # minutes
CLUSTER_DEFAULT_WINDOW = 10
CLUSTER_DEFAULT_MIN_VOTES = 5
CLUSTERS_PER_KIND = 100
INVALIDATE_LISTED = 100  # votes listed by receipt on the confirmation page; the rest are counted


audit.register_actions(
    {
        "vote.invalidated": _("Vote invalidated"),
        "export.vote_counts": _("Vote counts exported"),
        "voting_alert.acknowledged": _("Voting alert acknowledged"),
    }
)


def results_visible(fair: Fair, now: datetime | None = None) -> bool:
    return fair.results_visible_at(now or timezone.now())


def visible_fair_ids(now: datetime | None = None) -> set[int]:
    """Fairs whose counts may be shown now. One query; the rule stays in `Fair.results_visible_at`."""
    now = now or timezone.now()
    return {fair.pk for fair in Fair.objects.all() if fair.results_visible_at(now)}


def _chosen_fair_id(request) -> str:
    fair_id = request.GET.get("fair__id__exact", "")
    return fair_id if fair_id.isdigit() else ""


# ---------------------------------------------------------------- list filters


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


# ---------------------------------------------------------------- suspicious clusters


@dataclass(frozen=True)
class Cluster:
    kind: str  # "ip", "network" or "domain"
    key: str
    votes: int
    first: datetime
    last: datetime


CLUSTER_KINDS = {"ip": "ip_digest", "network": "network", "domain": "email_domain"}

# For every key (hashed IP, network, e-mail domain) of the fair's valid votes: a vote starts
# a burst when at least `min_votes` votes of its key fall in [its time, its time + window];
# every vote inside such a window belongs to the burst, and bursts whose votes are no more
# than a window apart merge into one cluster. All in PostgreSQL, whatever the number of votes.
CLUSTERS_SQL = """
WITH base AS (
    {base}
),
ahead AS (
    SELECT kind, key, t,
           count(*) OVER (PARTITION BY kind, key ORDER BY t
                          RANGE BETWEEN CURRENT ROW AND %(window)s FOLLOWING) AS n
      FROM base
),
marked AS (
    SELECT kind, key, t,
           bool_or(n >= %(min_votes)s) OVER (PARTITION BY kind, key ORDER BY t
                                             RANGE BETWEEN %(window)s PRECEDING AND CURRENT ROW) AS in_burst
      FROM ahead
),
members AS (
    SELECT kind, key, t, lag(t) OVER (PARTITION BY kind, key ORDER BY t) AS previous
      FROM marked
     WHERE in_burst
),
islands AS (
    SELECT kind, key, t,
           count(*) FILTER (WHERE previous IS NULL OR t - previous > %(window)s)
               OVER (PARTITION BY kind, key ORDER BY t ROWS UNBOUNDED PRECEDING) AS island
      FROM members
),
clusters AS (
    SELECT kind, key, count(*) AS votes, min(t) AS first, max(t) AS last,
           row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, min(t), key) AS rank
      FROM islands
     GROUP BY kind, key, island
)
SELECT kind, key, votes, first, last FROM clusters WHERE rank <= %(limit)s
 ORDER BY kind, votes DESC, first, key
"""


def suspicious_clusters(
    *, fair: Fair, window: timedelta, min_votes: int, limit: int = CLUSTERS_PER_KIND
) -> list[Cluster]:
    """Bursts of at least `min_votes` valid votes within `window` from one IP, network or domain.

    One query; at most `limit` clusters of each kind, the largest first.
    """
    table = connection.ops.quote_name(Vote._meta.db_table)
    base = "\n    UNION ALL\n    ".join(
        f"SELECT '{kind}' AS kind, {column} AS key, created_at AS t FROM {table}"  # noqa: S608 (fixed names)
        f" WHERE fair_id = %(fair)s AND invalidated_at IS NULL AND {column} <> ''"
        for kind, column in CLUSTER_KINDS.items()
    )
    params = {"fair": fair.pk, "window": window, "min_votes": min_votes, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(CLUSTERS_SQL.format(base=base), params)
        return [Cluster(*row) for row in cursor.fetchall()]


class ClusterForm(forms.Form):
    fair = forms.TypedChoiceField(label=_("Fair"), coerce=int)
    minutes = forms.TypedChoiceField(label=_("Window"), coerce=int)
    min_votes = forms.IntegerField(label=_("At least this many votes"), min_value=2, max_value=10_000)

    def __init__(self, data, *, fairs: list[Fair]):
        super().__init__(data)
        self.fields["fair"].choices = [(fair.pk, fair.title) for fair in fairs]
        # Labels built per request, in the user's language.
        self.fields["minutes"].choices = [
            (minutes, ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
            for minutes in CLUSTER_WINDOWS
        ]


# ---------------------------------------------------------------- invalidation


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Why these votes should not count, e.g. “18 votes from one network within 4 minutes”. "
            "The reason is kept with each vote."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        # The same words as `services.vote_invalidate` uses for the same refusal.
        error_messages={"required": _("Give a reason for invalidating votes.")},
    )
    votes = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_votes(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["votes"].split(",") if pk.strip().isdigit()]


# ---------------------------------------------------------------- the vote admin


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = (
        "receipt",
        "fair",
        "project_shown",
        "created_at",
        "channel",
        "email_domain",
        "network",
        "is_counted",
        "reason_shown",
    )
    list_select_related = ("fair", "project")
    list_filter = ("fair", FinalistFilter, ValidityFilter, "channel", EmailDomainFilter)
    date_hierarchy = "created_at"
    search_fields = ("receipt", "email_domain")
    # Facet counts per choice are exactly the kind of per-project totals that must stay secret.
    show_facets = admin.ShowFacets.NEVER
    actions = ["invalidate_votes"]
    # Never voter_digest, ip_digest or scope (the nomination's id under a per-nomination rule).
    fieldsets = (
        (None, {"fields": ("receipt", "fair", "project_shown", "nomination_shown", "created_at", "channel")}),
        (_("Voter"), {"fields": ("voter_masked", "email_domain", "network")}),
        (
            _("Validity"),
            {"fields": ("is_counted", "invalidated_at", "invalidated_by", "invalidation_reason")},
        ),
    )
    readonly_fields = (
        "receipt",
        "fair",
        "project_shown",
        "nomination_shown",
        "created_at",
        "channel",
        "voter_masked",
        "email_domain",
        "network",
        "is_counted",
        "invalidated_at",
        "invalidated_by",
        "invalidation_reason",
    )

    # Only what the filters, the date hierarchy and the cluster links produce.
    ALLOWED_LOOKUPS = frozenset(
        {
            "fair__id__exact",
            "channel__exact",
            "created_at__year",
            "created_at__month",
            "created_at__day",
            "created_at__gte",
            "created_at__lte",
            "network",
            "ip_digest__startswith",
            FinalistFilter.parameter_name,
            ValidityFilter.parameter_name,
            EmailDomainFilter.parameter_name,
        }
    )

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # Django allows any lookup on the model's own fields, "?project=12" included, which would
        # count a project's votes while they are secret.
        return lookup in self.ALLOWED_LOOKUPS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("fair", "project", "nomination", "invalidated_by")

    # -------------------------------------------------------------- read only

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_invalidate_permission(self, request) -> bool:
        return request.user.has_perm("voting.invalidate_vote")

    def get_actions(self, request):
        # Votes are evidence: invalidated with a reason, never deleted.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # -------------------------------------------------------------- columns and fields

    @admin.display(description=_("project"))
    def project_shown(self, obj: Vote) -> str:
        return obj.project.title if results_visible(obj.fair) else HIDDEN_UNTIL_CLOSED

    @admin.display(description=_("nomination"))
    def nomination_shown(self, obj: Vote) -> str:
        if not results_visible(obj.fair):
            return HIDDEN_UNTIL_CLOSED
        return obj.nomination.title if obj.nomination_id else self.get_empty_value_display()

    @admin.display(description=_("counted"), boolean=True)
    def is_counted(self, obj: Vote) -> bool:
        return obj.is_valid

    @admin.display(description=_("reason for invalidation"))
    def reason_shown(self, obj: Vote) -> str:
        return Truncator(obj.invalidation_reason).chars(80)

    # -------------------------------------------------------------- the change list

    def changelist_view(self, request, extra_context=None):
        now = timezone.now()
        fairs = [fair for fair in Fair.objects.order_by("-voting_closes_at") if fair.results_visible_at(now)]
        return super().changelist_view(request, {"export_fairs": fairs, **(extra_context or {})})

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        # Before the defaults, whose "<path:object_id>/" would swallow these.
        return [
            path(
                "clusters/",
                self.admin_site.admin_view(self.clusters_view),
                name="{}_{}_clusters".format(*info),
            ),
            path(
                "export/counts/<int:fair_id>/",
                self.admin_site.admin_view(self.export_counts_view),
                name="{}_{}_export_counts".format(*info),
            ),
            *super().get_urls(),
        ]

    def _changelist_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    # -------------------------------------------------------------- invalidation

    @admin.action(description=_("Invalidate selected votes…"), permissions=["invalidate"])
    def invalidate_votes(self, request, queryset):
        """Ask for the reason on a page of its own, then invalidate each vote through the service.

        The page lists the votes' ids in one field rather than one `_selected_action` each, so
        that thousands of votes from a bot attack stay under Django's limit on form fields;
        the answer comes back with `select_across`, and only those ids of the list are used.
        """
        form = InvalidateForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            votes = queryset.filter(pk__in=form.cleaned_data["votes"]).order_by("pk")
            self._invalidate(request, votes, form.cleaned_data["reason"])
            return None  # back to the change list, with its filters
        if form.is_bound:  # the reason was missing: the same votes again
            queryset = queryset.filter(pk__in=form.cleaned_data.get("votes", []))
        ids = [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)]
        listed = list(queryset.filter(pk__in=ids[:INVALIDATE_LISTED]).select_related("fair").order_by("pk"))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invalidate votes"),
            "subtitle": None,
            "opts": self.opts,
            "votes": listed,
            "vote_count": len(ids),
            "not_listed": len(ids) - len(listed),
            "vote_ids": ",".join(ids),
            "first_vote_id": ids[0] if ids else "",
            "form": form,
            "action_name": "invalidate_votes",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/voting/vote/invalidate.html", context)

    def _invalidate(self, request, votes, reason: str) -> None:
        """Each vote in its own transaction (the service's); report every outcome."""
        now = timezone.now()
        invalidated = already = 0
        for vote in votes:
            try:
                result = services.vote_invalidate(vote=vote, actor=request.user, reason=reason, now=now)
            except ValidationError as exc:
                self.message_user(
                    request,
                    gettext("Vote %(receipt)s was not invalidated: %(reason)s")
                    % {"receipt": vote.receipt, "reason": " ".join(exc.messages)},
                    messages.ERROR,
                )
            except PermissionDenied:
                self.message_user(request, gettext("You may not invalidate votes."), messages.ERROR)
                return
            else:
                # The service leaves an already invalidated vote as it was, with its own time.
                if result.invalidated_at == now:
                    invalidated += 1
                else:
                    already += 1
        if invalidated:
            self.message_user(
                request,
                ngettext("%(count)d vote was invalidated.", "%(count)d votes were invalidated.", invalidated)
                % {"count": invalidated},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d vote had already been invalidated and was left as it was.",
                    "%(count)d votes had already been invalidated and were left as they were.",
                    already,
                )
                % {"count": already},
                messages.WARNING,
            )

    # -------------------------------------------------------------- suspicious clusters

    def clusters_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
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
            window = timedelta(minutes=form.cleaned_data["minutes"])
            clusters = suspicious_clusters(fair=fair, window=window, min_votes=form.cleaned_data["min_votes"])
            titles = {
                "ip": _("One IP address (hashed)"),
                "network": _("One network"),
                "domain": _("One e-mail domain"),
            }
            for kind, title in titles.items():
                rows = [
                    {
                        "label": self._cluster_label(cluster),
                        "votes": cluster.votes,
                        "first": cluster.first,
                        "last": cluster.last,
                        "url": self._cluster_url(fair, cluster),
                    }
                    for cluster in clusters
                    if cluster.kind == kind
                ]
                sections.append({"kind": kind, "title": title, "rows": rows})
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suspicious clusters of votes"),
            "subtitle": fair.title if fair else None,
            "opts": self.opts,
            "form": form,
            "fair": fair,
            "sections": sections,
            "clusters_per_kind": CLUSTERS_PER_KIND,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/voting/vote/clusters.html", context)

    @staticmethod
    def _cluster_label(cluster: Cluster) -> str:
        return f"{cluster.key[:IP_PREFIX_LENGTH]}…" if cluster.kind == "ip" else cluster.key

    def _cluster_url(self, fair: Fair, cluster: Cluster) -> str:
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
        return f"{self._changelist_url()}?{urlencode(query)}"

    # -------------------------------------------------------------- counts export

    def export_counts_view(self, request, fair_id: int):
        """Valid and invalidated votes per finalist, once the fair's results are visible; never voters."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        fair = get_object_or_404(Fair, pk=fair_id)
        if not results_visible(fair):
            self.message_user(request, gettext("Counts are hidden until voting closes."), messages.WARNING)
            return HttpResponseRedirect(self._changelist_url())
        audit.record(actor=request.user, action="export.vote_counts", target=fair, details={"format": "csv"})
        return counts_csv_response(fair)


def _label(model, field_name: str) -> str:
    return capfirst(str(model._meta.get_field(field_name).verbose_name))


def counts_csv_response(fair: Fair) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark and ";" between columns, streamed as every export (`fairportal.spreadsheets`)."""
    date = timezone.localdate(timezone=EXPORT_TIME_ZONE)
    return spreadsheets.csv_response(counts_rows(fair), filename=f"votes-{fair.slug}-{date:%Y%m%d}.csv")


def counts_rows(fair: Fair):
    projects = selectors.tally(fair)
    invalidated = selectors.invalidated_vote_counts(fair)
    yield [
        _label(Project, "nomination"),
        _label(Project, "title"),
        _label(Project, "organisation"),
        gettext("Valid votes"),
        gettext("Invalidated votes"),
    ]
    for project in projects:
        yield [
            project.nomination.title if project.nomination else "",
            project.title,
            project.organisation.name,
            project.valid_votes,
            invalidated.get(project.pk, 0),
        ]


# ---------------------------------------------------------------- alerts


@admin.register(VotingAlert)
class VotingAlertAdmin(admin.ModelAdmin):
    """Clusters that crossed a threshold (`voting.abuse`); organisers look, then acknowledge."""

    list_display = ("kind", "key", "fair", "first_at", "last_at", "times", "is_open", "votes_link")
    list_filter = ("fair", "kind", ("acknowledged_at", admin.EmptyFieldListFilter))
    list_select_related = ("fair",)
    readonly_fields = [field.name for field in VotingAlert._meta.fields]
    actions = ["acknowledge"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # "Change" is the right to acknowledge (an action); the fields themselves stay read-only.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(boolean=True, description=_("open"))
    def is_open(self, alert: VotingAlert) -> bool:
        return alert.acknowledged_at is None

    @admin.display(description=_("votes"))
    def votes_link(self, alert: VotingAlert) -> str:
        query = {"fair__id__exact": alert.fair_id}
        if alert.kind == VotingAlert.Kind.DOMAIN:
            query[EmailDomainFilter.parameter_name] = alert.key
        elif alert.kind == VotingAlert.Kind.NETWORK:
            query["network"] = alert.key
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("admin:voting_vote_changelist"), urlencode(query), _("votes")
        )

    @admin.action(description=_("Acknowledge the selected alerts"), permissions=["change"])
    def acknowledge(self, request, queryset):
        for alert in queryset:
            services.alert_acknowledge(alert=alert, actor=request.user)
        self.message_user(request, _("Alerts acknowledged."), messages.SUCCESS)


# ---------------------------------------------------------------- voting cards


class CardBatchForm(forms.ModelForm):
    class Meta:
        model = CardBatch
        fields = ["fair", "label", "size"]

    def clean(self):
        data = super().clean()
        if data.get("fair"):
            try:
                data["label"] = cards.check_batch(
                    fair=data["fair"], label=data.get("label", ""), size=data.get("size")
                )
            except ValidationError as error:
                field = {"size": "size", "label": "label"}.get(error.code, "fair")
                self.add_error(field, error)
        return data


class CardBatchInvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Why the votes cast with these cards should not count, e.g. “the stack of stand 4 was "
            "stolen”. The reason is kept with the batch and each vote."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={"required": _("Give a reason for invalidating votes.")},
    )


@admin.register(CardBatch)
class CardBatchAdmin(admin.ModelAdmin):
    """Batches of printed voting cards: created here, printed from a batch's page, invalidated
    as a whole with a reason. Votes cast with the cards are in the votes list (channel "card")."""

    form = CardBatchForm
    list_display = ["label", "fair", "size", "printed_at", "used_count", "is_valid", "created_at"]
    list_filter = ["fair"]
    actions = ["invalidate_batches"]
    readonly_fields = [
        "fair",
        "label",
        "size",
        "created_at",
        "created_by",
        "printed_at",
        "used_count",
        "print_link",
        "votes_per_hour",
        "invalidated_at",
        "invalidated_by",
        "invalidation_reason",
    ]

    def get_queryset(self, request):
        return cards.batches_with_counts()

    def get_fields(self, request, obj=None):
        return ["fair", "label", "size"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # nothing of a batch changes by hand: print and invalidate are actions

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # its cards may have voted; invalidate instead

    def has_invalidate_permission(self, request) -> bool:
        return request.user.has_perm("voting.invalidate_cardbatch") and request.user.has_perm(
            "voting.invalidate_vote"
        )

    def save_model(self, request, obj, form, change):
        batch, _codes = cards.card_batch_create(
            fair=obj.fair, label=obj.label, size=obj.size, actor=request.user
        )
        obj.pk, obj.secret, obj.created_at, obj.created_by = (
            batch.pk,
            batch.secret,
            batch.created_at,
            request.user,
        )
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        # To the batch's page, where the PDF is printed.
        return HttpResponseRedirect(reverse("admin:voting_cardbatch_change", args=[obj.pk]))

    @admin.display(description=_("used"), ordering="used")
    def used_count(self, obj: CardBatch) -> int:
        return obj.used if hasattr(obj, "used") else obj.cards.filter(used_at__isnull=False).count()

    @admin.display(description=_("valid"), boolean=True)
    def is_valid(self, obj: CardBatch) -> bool:
        return obj.invalidated_at is None

    @admin.display(description=_("cards to print"))
    def print_link(self, obj: CardBatch) -> str:
        if obj.invalidated_at or not self.admin_site.name or not obj.pk:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:voting_cardbatch_pdf", args=[obj.pk]),
            gettext("Download the PDF (A4, 10 cards a page)"),
        )

    @admin.display(description=_("cards used per hour"))
    def votes_per_hour(self, obj: CardBatch) -> str:
        rows = cards.votes_per_hour(obj)
        if not rows:
            return "—"
        zone = EXPORT_TIME_ZONE
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("Hour"),
            gettext("Cards used"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td></tr>",
                ((timezone.localtime(hour, zone).strftime("%Y-%m-%d %H:00"), count) for hour, count in rows),
            ),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="voting_cardbatch_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        batch = get_object_or_404(CardBatch.objects.select_related("fair"), pk=pk)
        try:
            pdf = cards.card_batch_print(batch=batch, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:voting_cardbatch_change", args=[pk]))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="voting-cards-{batch.pk}.pdf"'
        return response

    @admin.action(
        description=_("Invalidate the selected batches and their votes…"), permissions=["invalidate"]
    )
    def invalidate_batches(self, request, queryset):
        form = CardBatchInvalidateForm(request.POST if "apply" in request.POST else None)
        batches = list(queryset.order_by("pk"))
        if form.is_valid():
            total = 0
            for batch in batches:
                total += cards.card_batch_invalidate(
                    batch=batch, actor=request.user, reason=form.cleaned_data["reason"]
                )
            self.message_user(
                request,
                ngettext(
                    "The batches were invalidated; %(count)d vote was invalidated.",
                    "The batches were invalidated; %(count)d votes were invalidated.",
                    total,
                )
                % {"count": total},
                messages.SUCCESS,
            )
            return None
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invalidate voting cards"),
            "subtitle": None,
            "opts": self.opts,
            "batches": batches,
            "form": form,
            "action_name": "invalidate_batches",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/voting/cardbatch/invalidate.html", context)
