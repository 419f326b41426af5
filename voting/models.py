import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Fair, Nomination, Project


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    CARD = "card", _("Voting card")


class DeliveryStatus(models.TextChoices):
    """What became of an SMS code; e-mail codes keep "" (mail servers report nothing back)."""

    QUEUED = "queued", pgettext_lazy("delivery status", "queued")
    SENT = "sent", pgettext_lazy("delivery status", "sent")  # accepted by the gateway, no final report yet
    DELIVERED = "delivered", pgettext_lazy("delivery status", "delivered")
    FAILED = "failed", pgettext_lazy("delivery status", "failed")


class VoteCode(models.Model):
    """The one live code of an identity in a fair, proving the visitor reads that mailbox or phone.

    The code itself is never stored: it is derived from `code_secret` with the server's
    `VOTER_HASH_KEY` (`identity.code_for`), so a resend repeats the same code and a request
    from someone else can never invalidate the code the owner already holds. The clear address
    is kept just long enough to send the code and is erased once it is sent.
    """

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="+", verbose_name=_("fair"))
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    voter_digest = models.CharField(_("voter"), max_length=64, db_index=True)
    # The pre-canonical digests of the spellings typed for this code (identity.legacy_digest):
    # a vote cast under one of them before voting/0003 is this identity's vote.
    legacy_digests = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    voter_masked = models.CharField(_("address (masked)"), max_length=100)
    address = models.CharField(_("address"), max_length=254, blank=True)
    code_secret = models.CharField(_("code secret"), max_length=64, default="")
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    # Wrong attempts from networks other than `network`: capped on their own, so strangers'
    # guesses never use up the tries of the network that asked for the code.
    foreign_attempts = models.PositiveSmallIntegerField(_("wrong attempts from other networks"), default=0)
    sends = models.PositiveSmallIntegerField(_("times sent"), default=0)
    # The network that asked first: only a request from there may replace the code early.
    network = models.CharField(_("network"), max_length=50, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True, default=""
    )
    # Which gateway accepted the message and its id there: the status is asked of that
    # gateway even if SMS_BACKEND changes in between.
    gateway = models.CharField(_("SMS gateway"), max_length=16, blank=True)
    gateway_message_id = models.CharField(_("gateway message id"), max_length=64, blank=True)
    gateway_status = models.CharField(_("gateway status"), max_length=32, blank=True)
    delivery_checked_at = models.DateTimeField(_("delivery checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        indexes = [
            models.Index(fields=["voter_digest", "created_at"], name="voting_code_voter_recent"),
            # poll_sms_status asks only about messages still waiting for a final report.
            models.Index(
                fields=["created_at"],
                name="voting_code_delivery_pending",
                condition=Q(delivery_status="sent"),
            ),
        ]
        constraints = [
            # One live code per identity and fair, whatever the number of concurrent requests:
            # the loser of the race re-reads the winner's code instead of sending a second one.
            models.UniqueConstraint(
                fields=["fair", "voter_digest"],
                condition=Q(used_at__isnull=True, replaced_at__isnull=True),
                name="voting_votecode_one_live_per_voter",
            )
        ]

    def __str__(self) -> str:
        return self.voter_masked


def new_ballot_id() -> str:
    return secrets.token_hex(8)


class VoteQuerySet(models.QuerySet):
    def valid(self) -> "VoteQuerySet":
        return self.filter(invalidated_at__isnull=True)


class Vote(models.Model):
    """One verified visitor's vote. Never edited or deleted: organisers invalidate it instead."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="votes", verbose_name=_("fair"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="votes", verbose_name=_("project")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("nomination")
    )
    # "" for one vote per fair, the nomination's id for one vote per nomination: the unique
    # constraint below then enforces whichever rule the fair chose.
    scope = models.CharField(_("scope"), max_length=20, blank=True)
    voter_digest = models.CharField(_("voter"), max_length=64)
    voter_masked = models.CharField(_("voter (masked)"), max_length=100)
    email_domain = models.CharField(_("e-mail domain"), max_length=253, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    ip_digest = models.CharField(_("IP address (hashed)"), max_length=64, db_index=True)
    network = models.CharField(_("network"), max_length=50, blank=True, db_index=True)
    receipt = models.CharField(_("receipt code"), max_length=20, unique=True)
    # The vote's row in the published ballot ledger (voting/protocol.py): random, so the ledger
    # cannot be joined with the published receipts, an address or a time.
    ballot = models.CharField(_("ballot id"), max_length=32, unique=True, default=new_ballot_id)
    # The first daily commitment whose ledger includes this vote (None: not committed yet).
    commitment = models.PositiveIntegerField(_("first commitment"), null=True, blank=True)
    created_at = models.DateTimeField(_("cast"), db_index=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invalidated by"),
    )
    invalidation_reason = models.TextField(_("reason for invalidation"), blank=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at"]
        permissions = [("invalidate_vote", _("Can invalidate suspicious votes"))]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "voter_digest", "scope"], name="voting_vote_one_per_voter_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(invalidated_at__isnull=True) | ~Q(invalidation_reason=""),
                name="voting_vote_invalidation_has_reason",
            ),
        ]
        indexes = [
            # The tally is one GROUP BY over this index alone (an index-only scan): valid votes
            # of a fair, by project.
            models.Index(
                fields=["fair", "project"],
                name="voting_vote_valid_by_project",
                condition=Q(invalidated_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_valid(self) -> bool:
        return self.invalidated_at is None


class VotingAlert(models.Model):
    """A cluster of code requests that crossed a threshold: organisers are told once, then look.

    One row per (fair, kind, key), raised again (count, last seen) while the cluster goes on;
    organisers acknowledge it in the admin. Keys are domains, networks (/24, /64) or "" for a
    spike of the whole fair — never an address or a person.
    """

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("many new addresses at one domain")
        NETWORK = "network", _("many new addresses from one network")
        SPIKE = "spike", _("a spike of code requests (browser check switched on)")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="+", verbose_name=_("fair"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("domain or network"), max_length=253, blank=True)
    first_at = models.DateTimeField(_("first seen"))
    last_at = models.DateTimeField(_("last seen"))
    times = models.PositiveIntegerField(_("times the threshold was crossed"), default=1)
    notified_at = models.DateTimeField(_("organisers e-mailed"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        verbose_name = _("voting alert")
        verbose_name_plural = _("voting alerts")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "kind", "key"], name="voting_alert_once_per_cluster")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}" if self.key else str(self.get_kind_display())


class FrozenTally(models.Model):
    """A fair's valid votes per project as they stood once voting had closed.

    Written once by `services.tally_freeze` (the `freeze_tallies` command, every minute) shortly
    after the close, so the results page reads a few rows instead of counting a million votes.
    It holds for the closing time it was frozen at (`closes_at`): if organisers ever move the
    close, the tally is counted from the votes again until it is frozen anew. Invalidating a vote
    afterwards takes it out of these counts in the same transaction.
    """

    fair = models.OneToOneField(Fair, on_delete=models.CASCADE, related_name="+", verbose_name=_("fair"))
    closes_at = models.DateTimeField(_("voting closed"))
    frozen_at = models.DateTimeField(_("frozen"))
    valid_votes = models.PositiveIntegerField(_("valid votes"))

    class Meta:
        verbose_name = _("frozen tally")
        verbose_name_plural = _("frozen tallies")

    def __str__(self) -> str:
        return str(self.fair)


class FrozenCount(models.Model):
    tally = models.ForeignKey(FrozenTally, on_delete=models.CASCADE, related_name="counts")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    valid_votes = models.PositiveIntegerField(_("valid votes"))

    class Meta:
        verbose_name = _("frozen count")
        verbose_name_plural = _("frozen counts")
        constraints = [models.UniqueConstraint(fields=["tally", "project"], name="voting_frozen_count_once")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.valid_votes}"


class LedgerCommitment(models.Model):
    """A published fingerprint of a fair's ballot ledger so far, made daily while voting runs and
    at the close: how many ballots, and a hash chained to the previous commitment. No counts per
    project: it proves later that the ledger was not rewritten, without revealing the race."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="+", verbose_name=_("fair"))
    sequence = models.PositiveIntegerField(_("number"))
    created_at = models.DateTimeField(_("made"))
    ballots = models.PositiveIntegerField(_("ballots"))
    ledger_digest = models.CharField(_("ledger digest"), max_length=64)
    chain_digest = models.CharField(_("chained digest"), max_length=64)

    class Meta:
        verbose_name = _("ledger commitment")
        verbose_name_plural = _("ledger commitments")
        ordering = ["fair", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "sequence"], name="voting_commitment_once_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.fair_id} #{self.sequence}"


class ResultsProtocol(models.Model):
    """The frozen results of a fair: the SHA-256 of each canonical file and of them all.

    The files themselves are generated from the database on demand (`voting.protocol`); the
    digests, published at the freeze, are what an altered row would no longer match. A vote
    invalidated afterwards makes a new, dated revision; earlier ones stay listed.
    """

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="+", verbose_name=_("fair"))
    revision = models.PositiveIntegerField(_("revision"))
    frozen_at = models.DateTimeField(_("frozen"))
    digest = models.CharField(_("digest"), max_length=64)
    file_digests = models.JSONField(_("file digests"), default=dict)
    valid_votes = models.PositiveIntegerField(_("valid votes"))
    invalidated_votes = models.PositiveIntegerField(_("invalidated votes"))
    # Set by an invalidation after this revision; the next freeze run makes the next revision.
    outdated_at = models.DateTimeField(_("outdated"), null=True, blank=True)

    class Meta:
        verbose_name = _("results protocol")
        verbose_name_plural = _("results protocols")
        ordering = ["fair", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "revision"], name="voting_protocol_once_per_revision")
        ]

    def __str__(self) -> str:
        return f"{self.fair_id} r{self.revision}"


class CardBatch(models.Model):
    """A stack of single-use voting cards printed for one stand, day or venue of a fair.

    The cards' codes are never stored: each is derived from the batch's `secret` and the card's
    number with the server's `VOTER_HASH_KEY` (`voting.cards.code_for`), so the PDF can be
    printed again and a database dump alone reveals no code. Invalidating a batch (a stolen
    stack) takes every vote cast with its cards out of the count and refuses its cards.
    """

    # CASCADE: a fair with votes cannot be deleted anyway (Vote.fair PROTECTs it), and one without
    # votes takes its unused cards along (seed_demo --reset).
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="+", verbose_name=_("fair"))
    label = models.CharField(
        _("label"),
        max_length=100,
        help_text=_("Where or when the cards are handed out, e.g. stand 4, Saturday."),
    )
    size = models.PositiveIntegerField(_("number of cards"))
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    printed_at = models.DateTimeField(_("last printed"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invalidated by"),
    )
    invalidation_reason = models.TextField(_("reason for invalidation"), blank=True)

    class Meta:
        verbose_name = _("batch of voting cards")
        verbose_name_plural = _("batches of voting cards")
        ordering = ["-created_at"]
        permissions = [
            ("print_cardbatch", _("Can print voting cards")),
            ("invalidate_cardbatch", _("Can invalidate a batch of voting cards")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(invalidated_at__isnull=True) | ~Q(invalidation_reason=""),
                name="voting_cardbatch_invalidation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.size})"


class VotingCard(models.Model):
    """One printed card: only a keyed hash of its code, and when it was spent."""

    batch = models.ForeignKey(
        CardBatch, on_delete=models.CASCADE, related_name="cards", verbose_name=_("batch")
    )
    number = models.PositiveIntegerField(_("number in the batch"))
    # HMAC of the code with VOTER_HASH_KEY; also the voter digest of the card's vote, so the
    # one-vote constraint holds per card and a batch's votes are found without another link.
    code_digest = models.CharField(_("code (hashed)"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting card")
        verbose_name_plural = _("voting cards")
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="voting_card_number_once")]

    def __str__(self) -> str:
        return f"{self.batch.label} #{self.number}"
