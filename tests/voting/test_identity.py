import pytest
from django.core.exceptions import ValidationError

from voting import identity


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("  Aigerim@Mail.KZ ", "aigerim@mail.kz"),
        ("aigerim+fair@mail.kz", "aigerim@mail.kz"),
        ("A.Igerim@gmail.com", "aigerim@gmail.com"),
        ("a.igerim+vote@googlemail.com", "aigerim@gmail.com"),
        ("d.abilov@mail.ru", "d.abilov@mail.ru"),  # dots matter outside Gmail
    ],
)
def test_addresses_are_normalised_before_any_comparison(typed, normalised):
    assert identity.canonical_email(typed) == normalised


def test_variants_of_one_address_share_one_identity():
    variants = ["Aigerim.N@gmail.com", "aigerimn+1@gmail.com", "AIGERIMN@GOOGLEMAIL.COM"]

    assert len({identity.email_identity(v).digest for v in variants}) == 1


@pytest.mark.parametrize("address", ["x@mailinator.com", "x@sub.mailinator.com", "x@10minutemail.com"])
def test_disposable_domains_are_refused(address):
    with pytest.raises(ValidationError) as error:
        identity.email_identity(address)

    assert error.value.code == "disposable"


@pytest.mark.parametrize("address", ["", "no-at-sign", "+tag@mail.kz", "a@b"])
def test_malformed_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        identity.email_identity(address)


def test_identity_is_a_keyed_hash_and_a_mask(settings):
    voter = identity.email_identity("aigerim@mail.kz")

    assert voter.masked == "a***@mail.kz"
    assert "aigerim" not in voter.digest
    settings.VOTER_HASH_KEY = "another key"
    assert identity.email_identity("aigerim@mail.kz").digest != voter.digest


def test_codes_are_six_digits_derived_from_their_own_secret():
    secret = identity.new_code_secret()
    code = identity.code_for(7, secret)

    assert len(code) == 6
    assert code.isdigit()
    assert identity.code_for(7, secret) == code  # a resend repeats it
    assert identity.codes_match(7, secret, f" {code} ")
    assert not identity.codes_match(8, secret, code)
    assert not identity.codes_match(7, "", code)


def test_receipts_are_unambiguous():
    receipts = {identity.new_receipt() for _ in range(200)}

    assert len(receipts) == 200
    assert all(len(r) == 14 and not set(r) & set("01OI") for r in receipts)


@pytest.mark.parametrize(
    ("ip", "network"),
    [("203.0.113.77", "203.0.113.0/24"), ("2001:db8:abcd:12::1", "2001:db8:abcd:12::/64"), ("junk", "")],
)
def test_networks_group_neighbouring_addresses(ip, network):
    assert identity.network_of(ip) == network


# --- one mailbox, one identity (issue 11: one mailbox cast 6 votes with look-alike spellings) ---


@pytest.mark.parametrize(
    "spellings",
    [
        # Full-width letters reach the same Gmail inbox: Django IDNA-encodes the domain on sending.
        [
            "name@gmail.com",
            "name@ｇmail.com",
            "name@ＧＭＡＩＬ.ｃｏｍ",
            "ｎａｍｅ@gmail.com",
            "n.a.m.e+x@googlemail.com",
        ],
        # Yandex: one mailbox behind every national domain, and "." and "-" are one character.
        [
            "ivan.petrov@yandex.ru",
            "ivan-petrov@yandex.kz",
            "ivan.petrov@yandex.by",
            "Ivan-Petrov@yandex.com",
            "ivan.petrov+v@ya.ru",
        ],
        # Apple: @icloud.com, @me.com and @mac.com are the same account.
        ["dana@icloud.com", "dana@me.com", "dana@mac.com", "dana+fair@icloud.com"],
        # An internationalised domain typed in Unicode or as its punycode A-label.
        ["aigul@почта.рф", "aigul@xn--80a1acny.xn--p1ai", "aigul@ПОЧТА.РФ"],
    ],
)
def test_every_spelling_of_one_mailbox_is_one_identity(spellings):
    digests = {identity.email_identity(spelling).digest for spelling in spellings}

    assert len(digests) == 1


def test_the_canonical_form_is_nfkc_lower_case_with_an_a_label_domain():
    assert identity.canonical_email("  ＡＩＧＵＬ@ПОЧТА.РФ ") == "aigul@xn--80a1acny.xn--p1ai"
    assert identity.canonical_email("a.b@yandex.kz") == "a-b@yandex.ru"
    assert identity.canonical_email("a.b@mail.ru") == "a.b@mail.ru"  # dots matter elsewhere


def test_codes_go_to_the_address_as_the_mail_server_sees_it():
    voter = identity.email_identity("Name+Fair@ＧＭＡＩＬ.ｃｏｍ")

    # The +tag and the case stay (not every provider drops them); the domain is the A-label.
    assert voter.deliver_to == "Name+Fair@gmail.com"
    assert identity.email_identity("aigul@почта.рф").deliver_to == "aigul@xn--80a1acny.xn--p1ai"


@pytest.mark.parametrize(
    "address",
    ['"name"@gmail.com', '"a b"@mail.kz', "name@[127.0.0.1]", "name@[IPv6:2001:db8::1]", "name@gmail..com"],
)
def test_quoted_local_parts_and_ip_literal_domains_are_refused(address):
    with pytest.raises(ValidationError) as error:
        identity.email_identity(address)

    assert error.value.code == "invalid"


@pytest.mark.parametrize("address", [f"a@{'x' * 90}.kz", f"{'y' * 65}@mail.kz", "root@localhost"])
def test_overlong_and_single_label_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        identity.email_identity(address)


def test_subdomains_count_as_the_domain_they_belong_to():
    assert identity.registrable_domain("h17.catchall.kz") == "catchall.kz"
    assert identity.registrable_domain("mail.kz") == "mail.kz"
    assert identity.registrable_domain("dept.kaznu.edu.kz") == "kaznu.edu.kz"


def test_ipv4_mapped_addresses_are_their_ipv4_network():
    assert identity.network_of("::ffff:203.0.113.7") == "203.0.113.0/24"
