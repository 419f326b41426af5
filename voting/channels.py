"""Identity channels: the ways a voter proves who they are, chosen per fair.

Each channel turns what the visitor typed into an `identity.Identity` (the canonical form the
one-vote constraint counts) and says how dear a second identity is, so organisers can pick the
channels a fair's stakes call for (`Fair.voting_channels`; frozen once voting opens). The
printed fair-floor cards and an eGov / ЭЦП channel plug in here (docs/identity.md).
"""

from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from projects.models import Fair, IdentityChannel
from voting import identity, sms


class Channel(Protocol):
    kind: str
    typed: bool  # entered in the e-mail/SMS form (cards are not: they have their own page)
    # What a second identity costs an attacker, shown to organisers when they choose.
    cost_of_second_identity: Promise

    def available(self) -> bool: ...
    def looks_like(self, raw: str) -> bool: ...
    def parse(self, raw: str) -> identity.Identity: ...


class EmailChannel:
    kind = IdentityChannel.EMAIL
    typed = True
    cost_of_second_identity = _("nothing: anyone with a domain can create addresses")

    def available(self) -> bool:
        return True

    def looks_like(self, raw: str) -> bool:
        return "@" in raw

    def parse(self, raw: str) -> identity.Identity:
        return identity.email_identity(raw)


class SmsChannel:
    kind = IdentityChannel.SMS
    typed = True
    cost_of_second_identity = _("a real SIM card with a Kazakhstani number")

    def available(self) -> bool:
        return sms.sms_available()

    def looks_like(self, raw: str) -> bool:
        return "@" not in raw

    def parse(self, raw: str) -> identity.Identity:
        return identity.phone_identity(raw)


class CardChannel:
    """Printed single-use cards (voting.cards): the card is the identity, one vote per card.

    Never typed into the e-mail/SMS form (`looks_like` is always False): a card votes on its
    own page, reached by its QR code or by typing its code at /vote/card/.
    """

    kind = IdentityChannel.CARD
    typed = False
    cost_of_second_identity = _("a second card: organisers decide who gets one at the stand")

    def available(self) -> bool:
        return True

    def looks_like(self, raw: str) -> bool:
        return False

    def parse(self, raw: str) -> identity.Identity:
        from voting import cards  # cards imports services, which imports this module

        code = cards.normalise_code(raw)
        return identity.Identity(code, cards.card_digest(code), "", "", "")


CHANNELS: dict[str, Channel] = {
    channel.kind: channel for channel in (EmailChannel(), SmsChannel(), CardChannel())
}


def channels_for(fair: Fair) -> list[Channel]:
    """The fair's channels a visitor types an identity into, that can work here (an SMS channel
    without a gateway cannot). Cards are not among them: they vote on their own page."""
    return [
        CHANNELS[kind]
        for kind in fair.voting_channels
        if kind in CHANNELS and CHANNELS[kind].typed and CHANNELS[kind].available()
    ]


def identify(fair: Fair, raw: str) -> tuple[Channel, identity.Identity]:
    """The channel the visitor's input belongs to, among the fair's, and its identity.

    Raises ValidationError with a message that says which kind of input this fair takes.
    """
    offered = channels_for(fair)
    for channel in offered:
        if channel.looks_like(raw):
            return channel, channel.parse(raw)
    kinds = {channel.kind for channel in offered}
    if not kinds and IdentityChannel.CARD in fair.voting_channels:
        message = _("This fair takes votes only with the voting cards handed out at the fair.")
    elif kinds == {IdentityChannel.SMS}:
        message = _("This fair takes votes confirmed by SMS only: enter a Kazakhstani mobile number.")
    elif kinds == {IdentityChannel.EMAIL}:
        message = _("Enter a valid email address.")
    else:
        message = _("Voting is not possible at the moment. Please try again later.")
    raise ValidationError(message, code="invalid")
