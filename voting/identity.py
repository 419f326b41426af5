"""Who a voter is: one normalised address, kept only as a keyed hash.

The same person must not get a second vote by writing "A.Li+x@GMail.com" instead of
"ali@gmail.com", so every rule that compares voters compares `voter_digest(normalised)`.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from fairportal import ratelimit
from projects.validators import normalize_kz_phone

# Providers that ignore dots in the local part and deliver "name+tag" to "name".
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class Identity:
    normalised: str  # never stored
    digest: str
    masked: str
    domain: str


def _hmac(value: str) -> str:
    return hmac.new(settings.VOTER_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def normalise_email(address: str) -> str:
    """Lower case, trimmed, "+tag" removed, Gmail's dots removed; raises ValidationError."""
    address = (address or "").strip().lower()
    validate_email(address)
    local, _at, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    if not local:
        raise ValidationError(_("Enter a valid email address."), code="invalid")
    return f"{local}@{domain}"


def is_disposable(domain: str) -> bool:
    parts = domain.split(".")
    # mail.mailinator.com is as disposable as mailinator.com.
    return any(".".join(parts[i:]) in DISPOSABLE_DOMAINS for i in range(len(parts) - 1))


def mask_email(normalised: str) -> str:
    local, _at, domain = normalised.partition("@")
    return f"{local[0]}***@{domain}"


def email_identity(address: str) -> Identity:
    normalised = normalise_email(address)
    domain = normalised.partition("@")[2]
    if is_disposable(domain):
        raise ValidationError(
            _(
                "Addresses from temporary mail services cannot be used for voting. Please use your own address."
            ),
            code="disposable",
        )
    return Identity(normalised, _hmac(f"email:{normalised}"), mask_email(normalised), domain)


def mask_phone(normalised: str) -> str:
    return f"+7 {normalised[2]}** *** ** {normalised[-2:]}"


def phone_identity(phone: str) -> Identity:
    """A Kazakhstani mobile number, as +7XXXXXXXXXX; raises ValidationError."""
    normalised = normalize_kz_phone(phone)
    return Identity(normalised, _hmac(f"phone:{normalised}"), mask_phone(normalised), "")


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_digest(code_id: int, code: str) -> str:
    # Tied to the challenge: the same digits sent twice never share a hash.
    return _hmac(f"code:{code_id}:{code}")


def codes_match(stored_digest: str, code_id: int, code: str) -> bool:
    return bool(stored_digest) and hmac.compare_digest(stored_digest, code_digest(code_id, code.strip()))


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def ip_digest(ip: str) -> str:
    return _hmac(f"ip:{ip}")


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) around an address: enough to see bursts, not to name a person."""
    return ratelimit.network_of(ip)
