"""Renewals where the library system does not renew by itself (a file of loans): a request
per loan and due day, confirmed or refused by a librarian from the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.readers import ReminderFactory
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.roles import Role
from vitrina.readers.models import Consent, Loan, Reminder, RenewalRequest
from vitrina.readers.services import renewal_queue

State = RenewalRequest.State


def test_pressing_renew_on_a_loan_asks_a_librarian_once(file_world, press):
    link = file_world["link"]
    press(link, "renew:inv-1")
    press(link, "renew:inv-1")
    request = RenewalRequest.objects.get()
    assert request.state == State.PENDING
    assert (request.loan_id, request.title) == ("inv-1", "Мастер и Маргарита")
    assert request.due == timezone.localdate() + timedelta(days=2)
    assert request.source == RenewalRequest.Source.BUTTON
    assert request.link == link


def test_the_same_press_delivered_twice_is_acted_on_once(file_world, press):
    link = file_world["link"]
    press(link, "renew:inv-1", event_id="same")
    RenewalRequest.objects.all().delete()
    press(link, "renew:inv-1", event_id="same")
    assert not RenewalRequest.objects.exists()


def test_renew_without_a_loan_asks_for_the_loans_due_soon(file_world, press):
    press(file_world["link"], "renew")
    assert list(RenewalRequest.objects.values_list("loan_id", flat=True)) == ["inv-1"]


def test_a_loan_not_on_the_card_asks_nothing(file_world, press):
    press(file_world["link"], "renew:somebody-elses")
    assert not RenewalRequest.objects.exists()


def test_no_consent_to_renewals_asks_nothing(file_world, press):
    Consent.objects.update(withdrawn_at=timezone.now())
    press(file_world["link"], "renew:inv-1")
    assert not RenewalRequest.objects.exists()


def test_an_unlinked_dialog_asks_nothing(file_world, press):
    link = file_world["link"]
    link.network_user_id = "999"
    press(link, "renew:inv-1")
    assert not RenewalRequest.objects.exists()


@pytest.fixture
def librarian(member_factory):
    return member_factory(role=Role.CIRCULATION)


@pytest.fixture
def pending(file_world, press):
    press(file_world["link"], "renew:inv-1")
    return RenewalRequest.objects.get()


def test_confirming_records_the_new_due_day_and_moves_the_loan(pending, librarian):
    ReminderFactory(link=pending.link, loan_id="inv-1", due=pending.due, kind="overdue_first")
    new_due = pending.due + timedelta(days=14)
    assert renewal_queue.default_new_due(pending) == new_due
    done = renewal_queue.renewal_confirm(membership=librarian, request=pending, new_due=new_due)
    assert done.state == State.RENEWED and done.new_due == new_due
    assert done.decided_by == librarian.user
    loan = Loan.objects.get(loan_id="inv-1")
    assert loan.due == new_due and loan.renewals == 1
    assert Reminder.objects.get().returned_after


def test_a_decided_request_cannot_be_decided_again(pending, librarian):
    new_due = pending.due + timedelta(days=14)
    renewal_queue.renewal_confirm(membership=librarian, request=pending, new_due=new_due)
    with pytest.raises(Conflict):
        renewal_queue.renewal_confirm(membership=librarian, request=pending, new_due=new_due)
    with pytest.raises(Conflict):
        renewal_queue.renewal_refuse(membership=librarian, request=pending, code="too_many")


@pytest.mark.parametrize("shift", [-3, 0, 400])
def test_a_new_due_day_not_after_the_old_one_or_too_far_is_refused(pending, librarian, shift):
    with pytest.raises(ServiceError) as refused:
        renewal_queue.renewal_confirm(
            membership=librarian, request=pending, new_due=pending.due + timedelta(days=shift)
        )
    assert refused.value.field == "new_due"
    assert RenewalRequest.objects.get().state == State.PENDING


def test_refusing_keeps_the_reason(pending, librarian):
    done = renewal_queue.renewal_refuse(membership=librarian, request=pending, code="on_reserve")
    assert done.state == State.REFUSED and done.refusal_code == "on_reserve"
    assert done.refusal_text == ""  # the code's sentence is said in the reader's language


def test_refusing_with_other_needs_the_librarians_words(pending, librarian):
    with pytest.raises(ServiceError):
        renewal_queue.renewal_refuse(membership=librarian, request=pending, code="other")
    with pytest.raises(ServiceError):
        renewal_queue.renewal_refuse(membership=librarian, request=pending, code="made_up")
    done = renewal_queue.renewal_refuse(
        membership=librarian, request=pending, code="other", note="Книга нужна для выставки."
    )
    assert done.refusal_text == "Книга нужна для выставки."


def test_an_analyst_or_an_author_may_not_decide(pending, member_factory):
    for role in (Role.ANALYST, Role.AUTHOR, Role.EDITOR):
        with pytest.raises(ServiceError):
            renewal_queue.renewal_refuse(
                membership=member_factory(role=role), request=pending, code="too_many"
            )


def test_a_request_being_decided_is_not_decided_twice(pending, librarian):
    new_due = pending.due + timedelta(days=14)
    RenewalRequest.objects.filter(pk=pending.pk).update(claimed_at=timezone.now())
    with pytest.raises(Conflict):
        renewal_queue.renewal_confirm(membership=librarian, request=pending, new_due=new_due)
    # A claim left by a try that died is taken again after a while.
    RenewalRequest.objects.filter(pk=pending.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=6)
    )
    done = renewal_queue.renewal_confirm(membership=librarian, request=pending, new_due=new_due)
    assert done.state == State.RENEWED and done.claimed_at is None
