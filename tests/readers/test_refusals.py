import pytest
from django.utils import translation

from vitrina.readers import refusals

KOHA_CODES = [
    "too_many",
    "on_reserve",
    "restriction",
    "debarred",
    "overdue",
    "too_unseen",
    "too_soon",
    "auto_too_soon",
    "auto_renew",
    "auto_too_late",
    "auto_too_much_oweing",
    "auto_account_expired",
    "onsite_checkout",
    "item_denied_renewal",
    "item_issued_to_other_patron",
    "no_item",
    "no_checkout",
]
LATER = ("позже", "попробуйте ещё раз", "повторите", "через некоторое время")


@pytest.mark.parametrize("code", KOHA_CODES)
def test_every_koha_code_has_its_own_russian_sentence(code):
    with translation.override("ru"):
        text = refusals.refusal_text(code)
        general = refusals.refusal_text("a_code_of_a_newer_koha")
    assert text and text != general
    assert code not in text
    assert any("а" <= letter <= "я" for letter in text.lower())
    assert text.endswith(".")


def test_the_sentences_differ_from_each_other():
    with translation.override("ru"):
        texts = {refusals.refusal_text(code) for code in KOHA_CODES}
    assert len(texts) == len(KOHA_CODES)


@pytest.mark.parametrize(
    "code",
    [
        "on_reserve",
        "too_many",
        "onsite_checkout",
        "debarred",
        "restriction",
        "item_denied_renewal",
        "overdue",
        "too_unseen",
        "auto_too_late",
        "auto_too_much_oweing",
        "auto_account_expired",
        "item_issued_to_other_patron",
        "no_item",
        "no_checkout",
        "auto_renew",
    ],
)
def test_permanent_refusals_never_say_try_later(code):
    assert refusals.is_permanent(code)
    with translation.override("ru"):
        text = refusals.refusal_text(code).lower()
    assert not any(word in text for word in LATER), text


def test_too_soon_is_the_refusal_that_may_pass():
    assert not refusals.is_permanent("too_soon")
    assert not refusals.is_permanent("auto_too_soon")
    with translation.override("ru"):
        assert "попробуйте ещё раз" in refusals.refusal_text("too_soon").lower()


def test_an_unknown_code_is_permanent_and_gets_the_general_sentence():
    assert refusals.is_permanent("renewal_blocked_by_moon")
    assert refusals.is_permanent("")
    with translation.override("ru"):
        text = refusals.refusal_text("renewal_blocked_by_moon")
    assert "renewal_blocked_by_moon" not in text
    assert "библиотек" in text.lower()
    assert not any(word in text.lower() for word in LATER)


def test_codes_are_read_whatever_their_case_and_spaces():
    assert refusals.refusal_text(" ON_RESERVE ") == refusals.refusal_text("on_reserve")


def test_the_librarians_reasons_are_known_codes_with_their_sentences():
    choices = refusals.reason_choices()
    assert [code for code, _text in choices] == list(refusals.LIBRARIAN_REASONS)
    assert all(refusals.known(code) for code, _text in choices)
