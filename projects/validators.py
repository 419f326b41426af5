"""Validators for Kazakh identifiers that NGOs type into the submission forms."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The BIN shares the IIN's check digit: weights 1..11, and a second pass with the weights shifted
# by two when the first pass gives 10 (which no single digit can hold).
_BIN_WEIGHTS = (
    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
    (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2),
)
# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")

# Separators people type between the groups of a phone number.
_PHONE_SEPARATORS = re.compile(r"[\s()\-.]")
# Kazakhstan holds the +7 6xx and 7xx ranges of the shared +7 zone; Russia uses the rest.
_KZ_NATIONAL_NUMBER = r"([67][0-9]{9})"
_KZ_PHONE_FORMS = (
    re.compile(r"\+7" + _KZ_NATIONAL_NUMBER),  # +7 701 123 45 67
    re.compile(r"[78]" + _KZ_NATIONAL_NUMBER),  # 8 (701) 123-45-67, 77011234567
    re.compile(_KZ_NATIONAL_NUMBER),  # 7011234567
)


def bin_check_digit(first11: str) -> int | None:
    """Return the check digit for the first 11 digits of a BIN/IIN, or None if none exists."""
    if not isinstance(first11, str) or not _ELEVEN_DIGITS.fullmatch(first11):
        raise ValueError("bin_check_digit() needs exactly 11 ASCII digits.")
    digits = [int(char) for char in first11]
    for weights in _BIN_WEIGHTS:
        check = sum(digit * weight for digit, weight in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return check
    # Both passes gave 10: no 12th digit makes this number valid.
    return None


def validate_bin(value: str) -> None:
    """Raise ValidationError unless value is a Kazakhstan BIN with a correct check digit."""
    if not isinstance(value, str) or not _TWELVE_DIGITS.fullmatch(value):
        raise ValidationError(_("A BIN must be exactly 12 digits."), code="bin_format")
    if bin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This BIN's check digit is wrong. Please check the number for a typo."),
            code="bin_checksum",
        )


def normalize_kz_phone(value: str) -> str:
    """Return a Kazakhstan phone number as +7XXXXXXXXXX, or raise ValidationError."""
    if isinstance(value, str):
        compact = _PHONE_SEPARATORS.sub("", value)
        for form in _KZ_PHONE_FORMS:
            match = form.fullmatch(compact)
            if match:
                return "+7" + match.group(1)
    raise ValidationError(
        _("Enter a Kazakhstan phone number, for example +7 701 123 45 67."),
        code="invalid_phone",
    )


def validate_kz_phone(value: str) -> None:
    """Validator form of normalize_kz_phone(), for model and form fields."""
    normalize_kz_phone(value)
