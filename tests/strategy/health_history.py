"""Crafted posting histories for the health checks' tests."""

from datetime import UTC, datetime, timedelta

from tests.factories import ChannelFactory
from tests.factories.content import PostFactory, PostMediaFactory, VariantFactory
from vitrina.channels.networks import ConnectionState, Network
from vitrina.content.states import VariantState
from vitrina.strategy.health.base import context_load

# A Wednesday noon, UTC; the period is the four weeks before it.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def vk(library, **kwargs):
    return ChannelFactory(
        library=library,
        network=Network.VK,
        connection_state=ConnectionState.CONNECTED,
        **kwargs,
    )


def publish(channel, at, *, rubric=None, picture=False, poll="", text="Новые книги."):
    post = PostFactory(
        organisation=channel.organisation, rubric=rubric, text=text, poll_question=poll
    )
    if poll:
        post.poll_answers = ["Да", "Нет"]
        post.save(update_fields=["poll_answers"])
    if picture:
        PostMediaFactory(post=post)
    return VariantFactory(
        post=post, channel=channel, state=VariantState.PUBLISHED, published_at=at, text=text
    )


def days_ago(days, hour=None):
    moment = NOW - timedelta(days=days)
    if hour is not None:
        moment = moment.replace(hour=hour, minute=0)
    return moment


def load(organisation):
    return context_load(organisation=organisation, now=NOW)


def row_of(check, start=""):
    return next(row for row in check.rows if row.subject.startswith(start))
