"""Who a voter is: one normalised address, kept only as a keyed hash.

The same person must not get a second vote by writing "A.Li+x@GMail.com" instead of
"ali@gmail.com", so every rule that compares voters compares `voter_digest(normalised)`.
"""

import functools
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from publicsuffixlist import PublicSuffixList

from fairportal import ratelimit
from projects.validators import normalize_kz_phone

# Providers whose several domains deliver to one mailbox, and how each folds the local part.
# Sources: each provider's help pages (Gmail ignores dots; Yandex treats "." and "-" alike and
# serves every national domain; Apple's @icloud.com, @me.com and @mac.com are one account).
GMAIL, YANDEX, ICLOUD = "gmail.com", "yandex.ru", "icloud.com"
PROVIDER_ALIASES = {
    "gmail.com": GMAIL,
    "googlemail.com": GMAIL,
    **dict.fromkeys(("yandex.ru", "yandex.kz", "yandex.by", "yandex.com", "yandex.ua", "ya.ru"), YANDEX),
    **dict.fromkeys(("icloud.com", "me.com", "mac.com"), ICLOUD),
}
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class Identity:
    normalised: str  # the canonical form; never stored
    digest: str
    masked: str
    domain: str
    deliver_to: str  # where the code goes; erased once sent
    # The digest the same input had before the canonical form (voting/0003), when it differs:
    # votes cast before the change are stored under it, and must still count as this person's.
    legacy_digest: str = ""


def _hmac(value: str) -> str:
    return hmac.new(settings.VOTER_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _invalid() -> ValidationError:
    return ValidationError(_("Enter a valid email address."), code="invalid")


MAX_LOCAL_LENGTH, MAX_DOMAIN_LENGTH = 64, 90  # RFC 5321's local part; a domain that fits a mask


def _split_email(address: str) -> tuple[str, str]:
    """(local part NFKC'd as typed, domain as an IDNA A-label); raises ValidationError.

    NFKC first, so full-width "ｇmail" is the "gmail" that Django's mail sending produces when it
    IDNA-encodes the domain: an identity is where the mail lands, not how it was typed. Quoted
    local parts and IP-literal domains are legal but no real voter needs them, and each has many
    spellings of one mailbox, so they are refused.
    """
    address = unicodedata.normalize("NFKC", address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or '"' in local or domain.startswith("["):
        raise _invalid()
    domain = a_label(domain)
    # A single-label domain ("localhost") would be mail to the server itself.
    if len(local) > MAX_LOCAL_LENGTH or len(domain) > MAX_DOMAIN_LENGTH or "." not in domain.strip("."):
        raise _invalid()
    validate_email(f"{local}@{domain}")
    return local, domain


def a_label(domain: str) -> str:
    """A domain as the mail server sees it: NFKC, lower case, IDNA A-labels; raises ValidationError.

    Python's IDNA codec is the one Django's mail sending uses; decoding first folds an A-label
    typed by hand ("xn--…") into the same Unicode form before encoding again.
    """
    try:
        domain = unicodedata.normalize("NFKC", domain).lower().encode("idna").decode("ascii")
        return domain.encode("ascii").decode("idna").encode("idna").decode("ascii")
    except UnicodeError:
        raise _invalid() from None


def canonical_domain(domain: str) -> str:
    """The provider's one domain for a mailbox ("ya.ru" → "yandex.ru"); raises ValidationError."""
    domain = a_label(domain)
    return PROVIDER_ALIASES.get(domain, domain)


def canonical_email(address: str) -> str:
    """The one spelling every rule, quota and hash compares; raises ValidationError.

    NFKC, trimmed, lower case, domain as an IDNA A-label, "+tag" dropped, provider aliases folded
    (Gmail/Googlemail without dots; Yandex's domains with "-" for "."; iCloud/me/mac).
    """
    local, domain = _split_email(address)
    local = local.lower().split("+", 1)[0]
    domain = PROVIDER_ALIASES.get(domain, domain)  # already an A-label
    if domain == GMAIL:
        local = local.replace(".", "")
    elif domain == YANDEX:
        local = local.replace(".", "-")
    if not local:
        raise _invalid()
    return f"{local}@{domain}"


def _legacy_email_digest(address: str) -> str:
    """The digest before `canonical_email` existed: lower case, "+tag" dropped, Gmail's dots.

    Old digests cannot be recomputed from the database (addresses were never stored), but the
    visitor types the address again: checking this digest too keeps a person who voted before
    the change from voting again under the new one. Kept while fairs that were voting across the
    change may still be open.
    """
    address = (address or "").strip().lower()
    local, _at, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return _hmac(f"email:{local}@{domain}")


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # parsed once per process, on first use


def registrable_domain(domain: str) -> str:
    """The part of a domain one owner registers ("h1.catchall.kz" → "catchall.kz"), from the
    Public Suffix List the `publicsuffixlist` package ships (no download at run time).

    Per-domain limits count by it: a wildcard MX makes every subdomain a free new "domain".
    """
    return _public_suffixes().privatesuffix(domain) or domain


def is_disposable(domain: str) -> bool:
    parts = domain.split(".")
    # mail.mailinator.com is as disposable as mailinator.com.
    return any(".".join(parts[i:]) in DISPOSABLE_DOMAINS for i in range(len(parts) - 1))


def mask_email(normalised: str) -> str:
    local, _at, domain = normalised.partition("@")
    return f"{local[0]}***@{domain}"


def email_identity(address: str) -> Identity:
    normalised = canonical_email(address)
    domain = normalised.partition("@")[2]
    if is_disposable(domain):
        raise ValidationError(
            _(
                "Addresses from temporary mail services cannot be used for voting. Please use your own address."
            ),
            code="disposable",
        )
    # Mail goes to the address as typed (NFKC, A-label domain): not every provider delivers
    # "+tag" to the bare name. The canonical form only decides who counts as the same voter.
    local, ascii_domain = _split_email(address)
    digest, legacy = _hmac(f"email:{normalised}"), _legacy_email_digest(address)
    return Identity(
        normalised,
        digest,
        mask_email(normalised),
        domain,
        f"{local}@{ascii_domain}",
        legacy_digest=legacy if legacy != digest else "",
    )


def mask_phone(normalised: str) -> str:
    return f"+7 {normalised[2]}** *** ** {normalised[-2:]}"


def phone_identity(phone: str) -> Identity:
    """A Kazakhstani mobile number, as +7XXXXXXXXXX; raises ValidationError."""
    normalised = normalize_kz_phone(phone)
    return Identity(normalised, _hmac(f"phone:{normalised}"), mask_phone(normalised), "", normalised)


def new_code_secret() -> str:
    return secrets.token_hex(16)


def code_for(code_id: int, secret: str) -> str:
    """The six digits of a code, derived from its row's secret with the server's key.

    A database dump alone reveals no code (the key lives in the environment); with the key, a
    stored hash of six digits would fall to 10⁶ guesses anyway, so deriving costs no secrecy and
    lets a resend repeat the code the person may already have, rather than replace it.
    """
    value = int(_hmac(f"code:{code_id}:{secret}"), 16) % 10**6
    return f"{value:06d}"


def codes_match(code_id: int, secret: str, typed: str) -> bool:
    return bool(secret) and hmac.compare_digest(code_for(code_id, secret), typed.strip())


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def ip_digest(ip: str) -> str:
    return _hmac(f"ip:{ip}")


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) around an address: enough to see bursts, not to name a person."""
    return ratelimit.network_of(ip)
