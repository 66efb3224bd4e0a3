"""The publishing engine against the sandbox over real HTTP: states, retries, reconciliation."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.content import PostMediaFactory
from tests.factories.publishing import SchedulerHeartbeatFactory
from tests.networks import posts_on
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState, Network
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import AuditEntry, Notification
from vitrina.core.scheduler import Scheduler
from vitrina.publishing.dispatcher import claim_due, sweep_stale
from vitrina.publishing.engine import publish_variant
from vitrina.publishing.models import PublishAttempt

pytestmark = pytest.mark.django_db
Outcome = PublishAttempt.Outcome


def run_once(variant):
    # Time passes between two runs in these tests: the channel's pace is over.
    Channel.objects.filter(pk=variant.channel_id).update(publish_not_before=None)
    claimed = dict(claim_due(claimer="test"))
    assert variant.pk in claimed, "the variant was not due"
    state = publish_variant(variant.pk, claimed[variant.pk], worker="test")
    variant.refresh_from_db()
    return state


@pytest.mark.parametrize("network", [Network.VK, Network.OK, Network.TELEGRAM, Network.MAX])
def test_a_due_variant_is_published_once(networks, connect, schedule, network):
    channel = connect(network)
    [variant] = schedule([channel])
    assert run_once(variant) == VariantState.PUBLISHED
    assert variant.external_id and variant.external_url.startswith("http")
    assert posts_on(networks, channel) == 1
    assert [a.outcome for a in variant.attempts.all()] == [Outcome.PUBLISHED]
    assert AuditEntry.objects.filter(action="variant.published", object_id=str(variant.pk)).exists()
    # Nothing is due any more: a second round publishes nothing.
    assert claim_due(claimer="test") == []


def test_future_and_draft_variants_are_not_claimed(networks, connect, schedule):
    channel = connect(Network.VK)
    schedule([channel], at=timezone.now() + timedelta(hours=1))
    [draft] = schedule([channel], text="Черновик")
    Variant.objects.filter(pk=draft.pk).update(state=VariantState.DRAFT)
    assert claim_due(claimer="test") == []


def test_a_claim_is_taken_once(networks, connect, schedule):
    channel = connect(Network.VK)
    [variant] = schedule([channel])
    first = claim_due(claimer="a")
    assert claim_due(claimer="b") == []
    assert [variant_id for variant_id, _claim in first] == [variant.pk]


def test_a_stale_claim_is_refused_after_a_sweep(networks, connect, schedule, settings):
    channel = connect(Network.VK)
    [variant] = schedule([channel])
    [(_id, old_claim)] = claim_due(claimer="dead-worker")
    settings.PUBLISH_LEASE_SECONDS = 0
    assert sweep_stale(now=timezone.now() + timedelta(seconds=1)) == 1
    [(_id, new_claim)] = claim_due(claimer="alive", now=timezone.now() + timedelta(seconds=1))
    assert publish_variant(variant.pk, old_claim) == "stale"
    assert publish_variant(variant.pk, new_claim) == VariantState.PUBLISHED
    assert posts_on(networks, channel) == 1


@pytest.mark.parametrize("network", [Network.VK, Network.OK, Network.MAX])
def test_a_lost_answer_is_reconciled_not_posted_twice(networks, connect, schedule, network):
    channel = connect(network)
    [variant] = schedule([channel])
    method = {"vk": "wall.post", "ok": "mediatopic.post", "max": "messages.send"}[network]
    networks.fault(network=network, method=method, drop_rate=1.0, count=1)
    assert run_once(variant) == VariantState.SCHEDULED
    assert variant.attempts.last().outcome == Outcome.UNKNOWN
    assert posts_on(networks, channel) == 1  # the post went out, the answer did not come back
    Variant.objects.filter(pk=variant.pk).update(next_attempt_at=timezone.now())
    assert run_once(variant) == VariantState.PUBLISHED
    assert posts_on(networks, channel) == 1
    assert [a.outcome for a in variant.attempts.all()] == [Outcome.UNKNOWN, Outcome.FOUND]


def test_a_lost_telegram_answer_waits_for_a_person(networks, connect, schedule, admin):
    channel = connect(Network.TELEGRAM)
    [variant] = schedule([channel])
    networks.fault(network="telegram", method="sendMessage", drop_rate=1.0, count=1)
    run_once(variant)
    Variant.objects.filter(pk=variant.pk).update(next_attempt_at=timezone.now())
    assert run_once(variant) == VariantState.NEEDS_CHECK
    assert posts_on(networks, channel) == 1
    assert "проверьте" in variant.last_error.lower() or "check" in variant.last_error.lower()
    assert Notification.objects.filter(user=admin).exists()


def test_a_server_error_is_retried_with_backoff(networks, connect, schedule):
    channel = connect(Network.MAX)
    [variant] = schedule([channel])
    networks.fault(network="max", method="messages.send", error_rate=1.0, error=500, count=1)
    before = timezone.now()
    assert run_once(variant) == VariantState.SCHEDULED
    assert variant.attempts.last().outcome == Outcome.TRANSIENT
    assert variant.next_attempt_at > before + timedelta(seconds=20)
    Variant.objects.filter(pk=variant.pk).update(next_attempt_at=timezone.now())
    assert run_once(variant) == VariantState.PUBLISHED
    assert posts_on(networks, channel) == 1


def test_a_refusal_fails_with_the_networks_reason_in_russian(networks, connect, schedule):
    channel = connect(Network.VK)
    [variant] = schedule([channel])
    networks.fault(network="vk", method="wall.post", error_rate=1.0, error=214, count=1)
    assert run_once(variant) == VariantState.FAILED
    assert "запретил публикацию" in variant.last_error
    assert variant.last_error_code == "214"
    assert posts_on(networks, channel) == 0


def test_an_expired_token_asks_for_reconnecting(networks, connect, schedule):
    channel = connect(Network.TELEGRAM)
    [variant] = schedule([channel])
    networks.expire_tokens(network="telegram")
    assert run_once(variant) == VariantState.NEEDS_RECONNECT
    channel.refresh_from_db()
    assert channel.connection_state == ConnectionState.NEEDS_RECONNECT


def test_retries_stop_at_the_organisations_window(networks, connect, schedule, organisation):
    organisation.retry_window_hours = 1
    organisation.save()
    channel = connect(Network.MAX)
    [variant] = schedule([channel], at=timezone.now() - timedelta(minutes=59, seconds=50))
    networks.fault(network="max", method="messages.send", error_rate=1.0, error=503, count=1)
    assert run_once(variant) == VariantState.FAILED
    assert "1" in variant.last_error


def test_a_post_with_photos_and_a_poll(
    networks, connect, schedule, organisation, tmp_path, settings
):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from vitrina.content.models import MediaAsset

    settings.MEDIA_ROOT = tmp_path
    channel = connect(Network.VK)
    [variant] = schedule(
        [channel],
        poll_question="Какие книги вы ждёте?",
        poll_answers=["Детективы", "Медицина", "Краеведение"],
    )
    buffer = BytesIO()
    Image.new("RGB", (64, 48), "#1f5f8b").save(buffer, "JPEG")
    asset = MediaAsset(organisation=organisation, original_name="cover.jpg", sha256="x", size=1)
    asset.file.save("cover.jpg", ContentFile(buffer.getvalue()))
    PostMediaFactory(post=variant.post, asset=asset)
    assert run_once(variant) == VariantState.PUBLISHED
    wall = networks.http.get(
        "/vk/method/wall.get",
        params={
            "owner_id": f"-{channel.external_id}",
            "v": "5.199",
            "access_token": networks.accounts()[channel.sandbox_key]["tokens"]["user"],
        },
    ).json()
    attachments = wall["response"]["items"][0]["attachments"]
    assert {a["type"] for a in attachments} == {"photo", "poll"}


@pytest.mark.django_db(transaction=True)
def test_the_embedded_scheduler_publishes_everything_due(networks, connect, schedule):
    channels = [connect(Network.VK), connect(Network.MAX)]
    variants = schedule(channels) + schedule(channels, text="Второй пост")
    scheduler = Scheduler(embedded=True, workers=2)
    assert scheduler.tick()["publishing.dispatch"] == 2  # one post per channel at a time
    deadline = time.time() + 30
    ids = [v.pk for v in variants]
    while time.time() < deadline:
        if not Variant.objects.filter(pk__in=ids).exclude(state=VariantState.PUBLISHED).exists():
            break
        scheduler.tick()
        time.sleep(0.2)
    scheduler.stop()
    states = set(
        Variant.objects.filter(pk__in=[v.pk for v in variants]).values_list("state", flat=True)
    )
    assert states == {VariantState.PUBLISHED}
    assert [posts_on(networks, c) for c in channels] == [2, 2]


def test_a_channel_is_paced_one_post_at_a_time(networks, connect, schedule):
    channel = connect(Network.TELEGRAM)
    first, second = schedule([channel]) + schedule([channel], text="Второй")
    claimed = claim_due(claimer="test")
    assert [variant_id for variant_id, _claim in claimed] == [first.pk]
    assert claim_due(claimer="test") == []  # the channel is busy with the first post
    publish_variant(first.pk, claimed[0][1])
    channel.refresh_from_db()
    assert channel.publish_not_before > timezone.now()  # the network's pace
    assert claim_due(claimer="test") == []
    later = timezone.now() + timedelta(seconds=2)
    assert [variant_id for variant_id, _claim in claim_due(now=later)] == [second.pk]


def test_api_settles_retries_and_deletes_variants(networks, connect, schedule, client, admin):
    from vitrina.core.services import api_token_create

    _token, raw = api_token_create(user=admin, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    channel = connect(Network.VK)
    [variant] = schedule([channel])
    networks.fault(network="vk", method="wall.post", error_rate=1.0, error=214, count=1)
    assert run_once(variant) == VariantState.FAILED
    org = channel.organisation.slug
    base = f"/api/v1/organisations/{org}/posts/{variant.post_id}/variants/{variant.pk}"
    response = client.post(
        f"{base}/check", {"published": True}, content_type="application/json", **headers
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "wrong_state"
    assert client.post(f"{base}/retry", **headers).status_code == 200
    variant.refresh_from_db()
    assert run_once(variant) == VariantState.PUBLISHED
    assert posts_on(networks, channel) == 1
    response = client.post(f"{base}/delete-from-network", **headers)
    assert response.status_code == 200, response.content
    variant.refresh_from_db()
    assert variant.state == VariantState.DELETED
    assert posts_on(networks, channel) == 0


def test_pages_say_plainly_when_no_scheduler_runs(networks, connect, schedule, admin_client):
    from django.urls import reverse

    channel = connect(Network.MAX)
    [variant] = schedule([channel], at=timezone.now() - timedelta(minutes=10))
    url = reverse("content:posts", kwargs={"org": channel.organisation.slug})
    assert "Публикации не уходят" in admin_client.get(url).content.decode()
    SchedulerHeartbeatFactory(name="elsewhere")
    assert "Публикации не уходят" not in admin_client.get(url).content.decode()
    detail = reverse(
        "content:post", kwargs={"org": channel.organisation.slug, "post_id": variant.post_id}
    )
    assert admin_client.get(detail).status_code == 200
