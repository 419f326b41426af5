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
    assert identity.normalise_email(typed) == normalised


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


def test_codes_are_six_digits_and_checked_against_their_challenge():
    code = identity.new_code()
    digest = identity.code_digest(7, code)

    assert len(code) == 6
    assert code.isdigit()
    assert identity.codes_match(digest, 7, code)
    assert identity.codes_match(digest, 7, f" {code} ")
    assert not identity.codes_match(digest, 8, code)
    assert not identity.codes_match("", 7, code)


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
