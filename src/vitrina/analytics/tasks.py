"""Thin Celery tasks: they take ids and call the collectors."""

from vitrina.analytics.collect import collect_and_record, collectable_channels
from vitrina.celery import app
from vitrina.core.tasks import VitrinaTask


@app.task(base=VitrinaTask, name="vitrina.collect_channel_stats", ignore_result=True)
def collect_channel_stats_task(channel_id: int) -> str:
    channel = collectable_channels().filter(pk=channel_id).first()
    if channel is None:
        return "gone"
    return collect_and_record(channel).skipped or "ok"


@app.task(base=VitrinaTask, name="vitrina.collect_stats", ignore_result=True)
def collect_stats_task() -> int:
    """Hands every collectable channel to the workers, one task each."""
    ids = list(collectable_channels().values_list("pk", flat=True))
    for channel_id in ids:
        collect_channel_stats_task.delay(channel_id)
    return len(ids)
