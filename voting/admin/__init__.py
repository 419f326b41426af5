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

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit
from fairportal.admin_pages import OrganiserPages
from fairportal.spreadsheets import EXPORT_TIME_ZONE
from projects.models import Fair
from voting import cards, services
from voting.admin import pages
from voting.admin.filters import EmailDomainFilter, FinalistFilter, ValidityFilter, results_visible
from voting.admin.forms import CardBatchForm, CardBatchInvalidateForm, InvalidateForm
from voting.models import CardBatch, Vote, VotingAlert

HIDDEN_UNTIL_CLOSED = _("hidden until voting closes")
INVALIDATE_LISTED = 100  # votes listed by receipt on the confirmation page; the rest are counted


audit.register_actions(
    {
        "vote.invalidated": _("Vote invalidated"),
        "export.vote_counts": _("Vote counts exported"),
        "voting_alert.acknowledged": _("Voting alert acknowledged"),
    }
)


# ---------------------------------------------------------------- the vote admin


@admin.register(Vote)
class VoteAdmin(OrganiserPages, admin.ModelAdmin):
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
    organiser_pages = (
        ("clusters/", pages.clusters, "clusters"),
        ("export/counts/<int:fair_id>/", pages.export_counts, "export_counts"),
    )
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
        return self.render_action_page(
            request,
            "admin/voting/vote/invalidate.html",
            title=_("Invalidate votes"),
            form=form,
            action_name="invalidate_votes",
            votes=listed,
            vote_count=len(ids),
            not_listed=len(ids) - len(listed),
            vote_ids=",".join(ids),
            first_vote_id=ids[0] if ids else "",
        )

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


@admin.register(CardBatch)
class CardBatchAdmin(OrganiserPages, admin.ModelAdmin):
    """Batches of printed voting cards: created here, printed from a batch's page, invalidated
    as a whole with a reason. Votes cast with the cards are in the votes list (channel "card")."""

    form = CardBatchForm
    list_display = ["label", "fair", "size", "printed_at", "used_count", "is_valid", "created_at"]
    list_filter = ["fair"]
    actions = ["invalidate_batches"]
    organiser_pages = (("<int:pk>/pdf/", pages.card_pdf, "pdf"),)
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
        return self.render_action_page(
            request,
            "admin/voting/cardbatch/invalidate.html",
            title=_("Invalidate voting cards"),
            form=form,
            action_name="invalidate_batches",
            batches=batches,
        )
