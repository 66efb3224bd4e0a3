"""Renewals through a library system that renews by itself: the sandbox's emulated Koha
over real HTTP, with every refusal it can give, a system that is down and an answer lost."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from tests.factories.readers import (
    ConsentFactory,
    IlsConnectionFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.core.crypto import encrypt
from vitrina.readers import refusals
from vitrina.readers.models import IlsKind, Loan, Purpose, RenewalRequest
from vitrina.readers.services.renewal_queue import renewals_retry
from vitrina.readers.services.renewals import reason_of

State = RenewalRequest.State


@pytest.fixture
def koha(sandbox, library, channel):
    credentials = sandbox.koha_credentials()
    connection = IlsConnectionFactory(
        library=library,
        kind=IlsKind.KOHA,
        base_url=credentials["url"],
        auth="basic",
        username=credentials["username"],
        secret_ciphertext=encrypt(credentials["password"]),
    )

    def link_of(patron: dict):
        """The emulated Koha's reader linked to a dialog, consenting, their loans read."""
        reader = ReaderFactory(
            library=library,
            connection=connection,
            card=patron["card"],
            ils_id=str(patron["patron_id"]),
        )
        link = ReaderLinkFactory(reader=reader, channel=channel)
        ConsentFactory(reader=reader, purpose=Purpose.RENEWALS)
        for loan in patron["loans"]:
            LoanFactory(
                reader=reader,
                loan_id=str(loan["checkout_id"]),
                title=loan["title"],
                due=date.fromisoformat(loan["due"]),
            )
        return link

    def reader_with(kind: str, refusal=None, *, due_after: date | None = None):
        """A linked reader of ``kind`` with a loan that ``refusal`` refuses."""
        for patron in sandbox.koha_patrons(kind=kind, limit=50):
            for there in patron["loans"]:
                if there["refusal"] != refusal:
                    continue
                if due_after is not None and date.fromisoformat(there["due"]) <= due_after:
                    continue
                return link_of(patron), there
        raise AssertionError(f"the emulated Koha has no {kind} loan refused {refusal}")

    reader_with.link_of = link_of
    return reader_with


def _renewals(sandbox, card, checkout_id):
    loans = sandbox.koha_patron(card)["loans"]
    return next(loan for loan in loans if loan["checkout_id"] == checkout_id)["renewals"]


def test_a_renewal_through_koha(sandbox, koha, press):
    link, there = koha("renewable")
    press(link, f"renew:{there['checkout_id']}")
    request = RenewalRequest.objects.get()
    due = date.fromisoformat(there["due"])
    assert request.state == State.RENEWED
    assert request.new_due == due + timedelta(days=14)
    assert request.decided_by is None and request.claimed_at is None
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"] + 1
    assert Loan.objects.get(loan_id=str(there["checkout_id"])).due == request.new_due
    # Pressed again in the same message: not renewed a second time.
    press(link, f"renew:{there['checkout_id']}")
    assert RenewalRequest.objects.count() == 1
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"] + 1


@pytest.mark.parametrize(
    ("kind", "refusal", "code", "settings"),
    [
        ("too_many", "too_many", "too_many", {}),
        ("on_hold", "on_reserve", "on_reserve", {}),
        ("debarred", "restriction", "restriction", {}),
        # OverduesBlockRenewing: a reader with an overdue loan renews none.
        ("overdue", None, "overdue", {"overdues_block": "block"}),
        # NoRenewalBefore: two days before the due date at the earliest.
        ("renewable", None, "too_soon", {"no_renewal_before": 2}),
    ],
)
def test_every_refusal_is_told_in_plain_words(sandbox, koha, press, kind, refusal, code, settings):
    link, there = koha(kind, refusal, due_after=date.today() + timedelta(days=3))
    if settings:
        sandbox.koha_settings(**settings)
    press(link, f"renew:{there['checkout_id']}")
    request = RenewalRequest.objects.get()
    assert (request.state, request.refusal_code) == (State.REFUSED, code)
    with translation.override("ru"):
        text = reason_of(request)
    assert text == refusals.refusal_text(code) and code not in text
    assert refusals.is_permanent(code) == (code != "too_soon")
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"]


def test_an_on_site_loan_and_a_returned_one(sandbox, koha, press):
    patron = sandbox.koha_patron("K0000010")
    onsite = next(one for one in patron["loans"] if one["refusal"] == "onsite_checkout")
    other = next(one for one in patron["loans"] if one["checkout_id"] != onsite["checkout_id"])
    link = koha.link_of(patron)
    press(link, f"renew:{onsite['checkout_id']}")
    sandbox.koha_return(other["checkout_id"])
    press(link, f"renew:{other['checkout_id']}")
    refused = dict(RenewalRequest.objects.values_list("loan_id", "refusal_code"))
    assert refused == {
        str(onsite["checkout_id"]): "onsite_checkout",
        str(other["checkout_id"]): "no_checkout",
    }
    # The returned loan's row goes.
    assert not Loan.objects.filter(loan_id=str(other["checkout_id"])).exists()


def test_a_system_that_is_down_is_tried_again_and_renews_once(sandbox, koha, press):
    link, there = koha("renewable")
    sandbox.fault(network="koha", method="checkouts.list", error_rate=1, count=3)
    press(link, f"renew:{there['checkout_id']}")
    request = RenewalRequest.objects.get()
    assert request.state == State.FAILED and request.attempts == 1
    assert request.refusal_text  # why, for the librarian
    # Pressing again while it is failed asks the same request, not a new one.
    press(link, f"renew:{there['checkout_id']}")
    assert RenewalRequest.objects.count() == 1
    sandbox.clear_faults()
    assert renewals_retry()["tried"] == 1
    request.refresh_from_db()
    assert request.state == State.RENEWED
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"] + 1
    assert renewals_retry()["tried"] == 0


def test_a_renewal_whose_answer_was_lost_is_not_done_again(sandbox, koha, press):
    link, there = koha("renewable")
    sandbox.fault(network="koha", method="checkouts.renewal", drop_rate=1, count=1)
    press(link, f"renew:{there['checkout_id']}")
    request = RenewalRequest.objects.get()
    assert request.state == State.FAILED
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"] + 1
    renewals_retry()
    request.refresh_from_db()
    assert request.state == State.RENEWED
    assert request.new_due == date.fromisoformat(there["due"]) + timedelta(days=14)
    assert _renewals(sandbox, link.reader.card, there["checkout_id"]) == there["renewals"] + 1


def test_a_request_tried_for_a_day_goes_to_a_librarian(sandbox, koha, press):
    from django.utils import timezone

    link, there = koha("renewable")
    sandbox.fault(network="koha", method="checkouts.list", error_rate=1, count=10)
    press(link, f"renew:{there['checkout_id']}")
    RenewalRequest.objects.update(requested_at=timezone.now() - timedelta(days=1, minutes=1))
    assert renewals_retry()["handed"] == 1
    request = RenewalRequest.objects.get()
    assert request.state == State.PENDING and request.claimed_at is None
