"""Thin Celery tasks of the inbox."""

from vitrina.celery import app
from vitrina.channels.models import Channel
from vitrina.core.tasks import VitrinaTask
from vitrina.inbox.names import names_fill_missing
from vitrina.inbox.polling import channel_poll, pollable_channels


@app.task(base=VitrinaTask, name="vitrina.inbox_poll_channel", ignore_result=True)
def inbox_poll_channel_task(channel_id: int) -> int:
    channel = Channel.objects.filter(pk=channel_id).first()
    return channel_poll(channel=channel) if channel else 0


@app.task(base=VitrinaTask, name="vitrina.inbox_poll", ignore_result=True)
def inbox_poll_task() -> None:
    for channel_id in pollable_channels().values_list("pk", flat=True):
        inbox_poll_channel_task.delay(channel_id)


@app.task(base=VitrinaTask, name="vitrina.inbox_names", ignore_result=True)
def inbox_names_task(channel_id: int) -> int:
    channel = Channel.objects.filter(pk=channel_id).first()
    return names_fill_missing(channel) if channel else 0
