import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from projects.validators import bin_check_digit, normalize_kz_phone, validate_bin, validate_kz_phone


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; the site's default language is Kazakh.
    with translation.override("en"):
        yield


# BINs published by large Kazakh organisations (banks, national companies): the algorithm must
# accept real numbers, not only ones built by bin_check_digit() itself.
PUBLISHED_BINS = [
    "940140000385",
    "971240001315",
    "081140000436",
    "020240000555",
    "020540003431",
    "941240001151",
    "000140002217",
    "980540000397",
]


@pytest.mark.parametrize("value", PUBLISHED_BINS)
def test_published_bins_are_valid(value):
    validate_bin(value)
    assert bin_check_digit(value[:11]) == int(value[11])


def test_check_digit_first_pass_by_hand():
    # 9*1 + 4*2 + 1*4 + 4*5 + 3*10 + 8*11 = 159, and 159 % 11 == 5.
    assert bin_check_digit("94014000038") == 5


def test_check_digit_second_pass_when_first_gives_ten():
    # Weights 1..11: 1 + 4 + 20 + 20 + 20 = 65, 65 % 11 == 10, so the second weights apply:
    # 3 + 8 + 30 + 28 + 2 = 71, 71 % 11 == 5.
    assert bin_check_digit("12054000020") == 5
    validate_bin("120540000205")
    # Only 5 fits; stopping after the first pass would wrongly suggest another digit.
    with pytest.raises(ValidationError) as excinfo:
        validate_bin("120540000200")
    assert excinfo.value.code == "bin_checksum"


def test_no_check_digit_when_both_passes_give_ten():
    # Weights 1..11: 42 + 35 + 16 + 27 + 55 = 175 -> 10; shifted: 56 + 45 + 20 + 33 + 10 = 164 -> 10.
    assert bin_check_digit("00000752305") is None
    for last in "0123456789":
        with pytest.raises(ValidationError) as excinfo:
            validate_bin("00000752305" + last)
        assert excinfo.value.code == "bin_checksum"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "94014000038",
        "9401400003855",
        "94014000038a",
        "9401 4000 0385",
        " 940140000385",
        "٩٤٠١٤٠٠٠٠٣٨٥",
        None,
        940140000385,
    ],
)
def test_bin_format_errors(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(value)
    assert excinfo.value.code == "bin_format"
    assert "12 digits" in excinfo.value.messages[0]


@pytest.mark.parametrize("value", ["940140000384", "940140000386", "490140000385"])
def test_bin_wrong_check_digit(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(value)
    assert excinfo.value.code == "bin_checksum"
    assert "typo" in excinfo.value.messages[0]


def test_bin_check_digit_rejects_bad_input():
    with pytest.raises(ValueError, match="11 ASCII digits"):
        bin_check_digit("1234567890")


@pytest.mark.parametrize(
    "value",
    [
        "+7 701 123 45 67",
        "+77011234567",
        "+7 (701) 123-45-67",
        "8 (701) 123-45-67",
        "87011234567",
        "7011234567",
        "77011234567",
        " 8-701-123-45-67 ",
    ],
)
def test_phone_normalised(value):
    assert normalize_kz_phone(value) == "+77011234567"
    validate_kz_phone(value)


def test_landline_normalised():
    assert normalize_kz_phone("8 (727) 250-00-00") == "+77272500000"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "701123456",  # one digit short
        "870112345678",  # one digit too many
        "+8 701 123 45 67",
        "+7 901 123 45 67",  # a Russian mobile number
        "+1 701 123 4567",
        "+7 701 123 45 6x",
        "++77011234567",
        "+7 701 123 45 67 ext 1",
        None,
    ],
)
def test_phone_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        normalize_kz_phone(value)
    assert excinfo.value.code == "invalid_phone"
    with pytest.raises(ValidationError):
        validate_kz_phone(value)
