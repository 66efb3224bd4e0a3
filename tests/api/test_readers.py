"""Reader services over the API: linked readers, overdue loans, renewal requests and the
decision on one; analysts get the counts only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.factories.readers import (
    ConsentFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
    ReminderFactory,
    RenewalRequestFactory,
)
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create
from vitrina.readers.models import Purpose, RenewalRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, organisation):
    def make(role=Role.CIRCULATION, membership=None):
        membership = membership or MembershipFactory(organisation=organisation, role=role)
        _token, raw = api_token_create(user=membership.user, name="tests")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, path, **params):
                return client.get(f"/api/v1/organisations/cbs{path}", params, **headers)

            def post(self, path, data):
                return client.post(
                    f"/api/v1/organisations/cbs{path}",
                    data,
                    content_type="application/json",
                    **headers,
                )

        return Api()

    return make


@pytest.fixture
def readers(library, channel):
    today = timezone.localdate()
    made = []
    for number in range(12):
        reader = ReaderFactory(library=library, connection__library=library, card=f"F{number:06d}")
        ReaderLinkFactory(reader=reader, channel=channel)
        ConsentFactory(reader=reader, purpose=Purpose.RENEWALS)
        if number % 2:
            ConsentFactory(reader=reader, purpose=Purpose.REMINDERS)
        LoanFactory(reader=reader, loan_id=f"L{number}", due=today - timedelta(days=3 * number))
        made.append(reader)
    ReaderFactory(library=library, connection__library=library, card="NOT-LINKED")
    return made


def test_linked_readers_with_their_dialogs_and_consents(call, readers, channel):
    page = call().get("/readers", limit=5).json()
    assert page["count"] == 12
    first = page["items"][0]
    assert first["card"] == "F000000"
    assert first["dialogs"][0]["channel_id"] == channel.pk
    assert first["dialogs"][0]["network"] == channel.network
    assert first["consents"] == {"reminders": False, "renewals": True, "recommendations": False}
    assert page["items"][1]["consents"]["reminders"] is True


def test_the_readers_list_reads_only_its_page(call, readers, django_assert_max_num_queries):
    api = call()
    with django_assert_max_num_queries(8):
        page = api.get("/readers", limit=10, offset=0).json()
    assert len(page["items"]) == 10


def test_analysts_get_the_counts_only(call, readers):
    analyst = call(Role.ANALYST)
    for path in ("/readers", "/loans/overdue", "/renewals"):
        answer = analyst.get(path)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
        assert "F000001" not in answer.content.decode()
    counts = analyst.get("/readers/counts").json()
    assert counts["linked"] == 12 and counts["active"] == 12
    assert counts["consents"] == {"reminders": 6, "renewals": 12, "recommendations": 0}
    # Loans 3 days apart: 3, 6 (1–7); 9…30 (8–30); 33 (over 30); the one due today is not.
    assert counts["overdue"] == {"days_1_7": 2, "days_8_30": 8, "over_30": 1, "total": 11}
    assert counts["renewals"]["pending"] == 0


def test_overdue_loans_longest_first_with_their_last_reminder(call, readers, channel):
    reader = readers[11]
    link = reader.links.get()
    ReminderFactory(link=link, loan_id="L11", kind="overdue_repeat", result="")
    RenewalRequestFactory(reader=reader, loan_id="L11", state=RenewalRequest.State.REFUSED)
    page = call().get("/loans/overdue").json()
    assert page["count"] == 11
    first = page["items"][0]
    assert (first["card"], first["days_overdue"]) == ("F000011", 33)
    assert first["last_reminder"]["kind"] == "overdue_repeat"
    assert first["renewal_state"] == "refused"
    assert page["items"][1]["last_reminder"] is None
    week = call().get("/loans/overdue", group="1-7").json()
    assert [item["days_overdue"] for item in week["items"]] == [6, 3]


def test_overdue_loans_read_in_a_few_queries(call, readers, django_assert_max_num_queries):
    api = call()
    with django_assert_max_num_queries(8):
        page = api.get("/loans/overdue", limit=20).json()
    assert len(page["items"]) == 11


def test_bad_filters_are_400_json(call, readers):
    api = call()
    for path, params in (
        ("/loans/overdue", {"group": "forever"}),
        ("/renewals", {"state": "lost"}),
        ("/readers", {"library_id": 2**63}),
        ("/readers", {"limit": 0}),
    ):
        answer = api.get(path, **params)
        assert answer.status_code == 400, (path, params)
        assert answer.json()["error"]["code"] == "invalid"


@pytest.fixture
def waiting(readers):
    reader = readers[0]
    return RenewalRequestFactory(
        reader=reader, link=reader.links.get(), loan_id="L0", title="Война и мир"
    )


def test_renewals_by_state(call, waiting, readers):
    RenewalRequestFactory(reader=readers[1], state=RenewalRequest.State.RENEWED)
    api = call()
    assert api.get("/renewals").json()["count"] == 2
    pending = api.get("/renewals", state="pending").json()
    assert [item["id"] for item in pending["items"]] == [waiting.pk]
    assert pending["items"][0]["title"] == "Война и мир"


def test_confirming_with_a_day(call, waiting):
    day = waiting.due + timedelta(days=10)
    answer = call().post(
        f"/renewals/{waiting.pk}/decision", {"decision": "confirm", "new_due": day.isoformat()}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "renewed"
    assert answer.json()["new_due"] == day.isoformat()
    again = call().post(f"/renewals/{waiting.pk}/decision", {"decision": "confirm"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_confirming_without_a_day_adds_the_usual_period(call, waiting):
    answer = call().post(f"/renewals/{waiting.pk}/decision", {"decision": "confirm"}).json()
    assert answer["new_due"] == (timezone.localdate() + timedelta(days=14)).isoformat()


def test_refusing_with_a_code(call, waiting):
    api = call()
    missing = api.post(f"/renewals/{waiting.pk}/decision", {"decision": "refuse"})
    assert missing.status_code == 400
    wrong = api.post(f"/renewals/{waiting.pk}/decision", {"decision": "refuse", "code": "nope"})
    assert wrong.status_code == 400
    answer = api.post(
        f"/renewals/{waiting.pk}/decision", {"decision": "refuse", "code": "on_reserve"}
    ).json()
    assert answer["state"] == "refused" and answer["refusal_code"] == "on_reserve"
    assert answer["refusal_text"]


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "confirm", "new_due": "2000-01-01"},
        {"decision": "confirm", "new_due": "tomorrow"},
        {"decision": "maybe"},
        {"decision": "refuse", "code": "other"},
        [],
        {"decision": "confirm", "new_due": 20300101},
    ],
)
def test_bad_decisions_are_400_and_change_nothing(call, waiting, body):
    answer = call().post(f"/renewals/{waiting.pk}/decision", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"]
    waiting.refresh_from_db()
    assert waiting.state == RenewalRequest.State.PENDING


def test_unknown_and_foreign_requests_are_404(call, waiting):
    api = call()
    assert api.post("/renewals/99999/decision", {"decision": "confirm"}).status_code == 404
    assert api.post(f"/renewals/{2**63}/decision", {"decision": "confirm"}).status_code == 400
    foreign = RenewalRequestFactory()
    answer = api.post(f"/renewals/{foreign.pk}/decision", {"decision": "confirm"})
    assert answer.status_code == 404


def test_a_librarian_limited_to_another_library_sees_none(call, waiting, organisation):
    from tests.factories import LibraryFactory

    other = LibraryFactory(organisation=organisation)
    membership = MembershipFactory(organisation=organisation, role=Role.CIRCULATION)
    membership.libraries.set([other])
    api = call(membership=membership)
    assert api.get("/readers").json()["count"] == 0
    assert api.get("/renewals").json()["count"] == 0
    assert api.post(f"/renewals/{waiting.pk}/decision", {"decision": "confirm"}).status_code == 404
