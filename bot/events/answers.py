"""Checking one answer of the registration form: the value to store, or a reason to ask again.

Reasons are N_() templates (translated where they are shown) with `{example}`-style fields.
E-mail syntax is checked by email-validator without DNS (no network in the conversation);
phone numbers by phonenumbers, in the event's country when it has one, and stored as E.164.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.events.model import FieldSpec, localized
from bot.i18n.translator import N_
from bot.pipeline.router import option_number

MAX_NAME = 200
MAX_TEXT = 1000
MAX_NUMBER_CHARS = 15  # a number answer: digits, sign and decimal point
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
EXAMPLE_PHONE = "+386 41 123 456"


class AnswerError(ValueError):
    """Why an answer was refused: an N_() template and its field values."""

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


@dataclass(frozen=True)
class Answer:
    value: str | int | float
    shown: str = field(default="")  # how the summary shows it (e.g. a choice's label)


def check_answer(spec: FieldSpec, text: str, locale: str, country: str | None) -> Answer:
    """The stored value for a typed answer, or AnswerError."""
    text = text.strip()
    if not text:
        raise AnswerError(N_("Please write an answer."))
    checks = {"name": _name, "email": _email, "text": _text}
    if spec.type in checks:
        return checks[spec.type](text)
    if spec.type == "phone":
        return _phone(text, country)
    if spec.type == "number":
        return _number(spec, text)
    if spec.type == "choice":
        return choice_by_label(spec, text, locale)
    raise AnswerError(N_("Please write an answer."))  # a type this version does not know


def choice_by_index(spec: FieldSpec, index: int, locale: str) -> Answer:
    if not 0 <= index < len(spec.options):
        raise AnswerError(N_("Please choose one of the buttons."))
    option = spec.options[index]
    return Answer(option.id, localized(option.label, locale))


def choice_by_label(spec: FieldSpec, text: str, locale: str) -> Answer:
    """A typed answer to a choice: the option's label (any language) or its number."""
    wanted = text.casefold().strip()
    number = option_number(wanted)
    if number is not None:
        return choice_by_index(spec, number - 1, locale)
    for option in spec.options:
        labels = [*option.label.values(), localized(option.label, locale), option.id]
        if any(wanted == label.casefold().strip() for label in labels):
            return Answer(option.id, localized(option.label, locale))
    raise AnswerError(N_("Please choose one of the buttons."))


def _name(text: str) -> Answer:
    if len(text) > MAX_NAME:
        raise AnswerError(N_("That is too long for a name. Please write at most {limit} "
                             "characters."), limit=str(MAX_NAME))
    if not any(c.isalpha() for c in text):
        raise AnswerError(N_("Please write your name with letters."))
    return Answer(" ".join(text.split()))


def _text(text: str) -> Answer:
    if len(text) > MAX_TEXT:
        raise AnswerError(N_("That is too long. Please write at most {limit} characters."),
                          limit=str(MAX_TEXT))
    return Answer(text)


def _email(text: str) -> Answer:
    if "@" not in text:
        raise AnswerError(N_("An e-mail address needs an @, like {example}."),
                          example="ana@example.org")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise AnswerError(N_("That does not look like a valid e-mail address. Please check it "
                             "and write it like {example}."), example="ana@example.org") from None
    return Answer(checked.normalized)


def _phone(text: str, country: str | None) -> Answer:
    example = example_phone(country)
    cleaned = re.sub(r"(?<=\d)[.\-/](?=\d)", " ", text)  # 041/123-456 -> 041 123 456
    try:
        number = phonenumbers.parse(cleaned, country)
    except phonenumbers.NumberParseException:
        if country is None and not cleaned.lstrip().startswith(("+", "00")):
            raise AnswerError(N_("Please write the number with its country code, like "
                                 "{example}."), example=example) from None
        raise AnswerError(N_("That does not look like a phone number. Please write it like "
                             "{example}."), example=example) from None
    if not phonenumbers.is_valid_number(number):
        raise AnswerError(N_("That phone number is not valid. Please check it and write it like "
                             "{example}."), example=example)
    return Answer(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                  phonenumbers.format_number(number,
                                             phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def example_phone(country: str | None) -> str:
    """A mobile number of the event's country, in international format, as an example."""
    if country:
        number = phonenumbers.example_number_for_type(country,
                                                      phonenumbers.PhoneNumberType.MOBILE)
        if number is not None:
            return phonenumbers.format_number(number,
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return EXAMPLE_PHONE


def is_number(text: str) -> bool:
    """Whether a typed answer is written as a number (what a number question takes)."""
    return _NUMBER.fullmatch(_number_text(text)) is not None


def _number_text(text: str) -> str:
    return text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "") \
        .replace(",", ".")


def _number(spec: FieldSpec, text: str) -> Answer:
    # Checked as text before anything converts it: only plain digits, a bounded count of
    # them, no exponent (Decimal("1e1000000") is cheap, but int() of it runs for minutes).
    cleaned = _number_text(text)
    if len(cleaned) > MAX_NUMBER_CHARS and _NUMBER.fullmatch(cleaned[:MAX_NUMBER_CHARS]):
        raise AnswerError(N_("That number is too long. Please write at most {limit} "
                             "digits."), limit=str(MAX_NUMBER_CHARS))
    if len(cleaned) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(cleaned):
        raise AnswerError(N_("Please answer with a number, like {example}."),
                          example="12")
    number = Decimal(cleaned)
    if spec.integer and number != number.to_integral_value():
        raise AnswerError(N_("Please answer with a whole number, like {example}."),
                          example="2")
    if spec.minimum is not None and number < Decimal(str(spec.minimum)):
        raise AnswerError(N_("Please answer with a number of at least {minimum}."),
                          minimum=_plain(spec.minimum))
    if spec.maximum is not None and number > Decimal(str(spec.maximum)):
        raise AnswerError(N_("Please answer with a number of at most {maximum}."),
                          maximum=_plain(spec.maximum))
    value: int | float = int(number) if number == number.to_integral_value() else float(number)
    return Answer(value)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
