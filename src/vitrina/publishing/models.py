from django.db import models


class SchedulerHeartbeat(models.Model):
    """When each scheduler last ran, so pages can say plainly when nothing is publishing."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()
    claimed_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
