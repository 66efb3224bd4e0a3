from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.content.models import Variant


class PublishAttempt(models.Model):
    """One try to publish (or check) a variant, with the network's answer."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published", _("Published")
        FOUND = "found", _("Found on the network after a lost answer")
        NOT_FOUND = "not_found", _("Checked: not on the network")
        RATE_LIMITED = "rate_limited", _("Network limit reached, will retry")
        TRANSIENT = "transient", _("Network error, will retry")
        UNKNOWN = "unknown", _("Answer lost, will check")
        REJECTED = "rejected", _("Refused by the network")
        AUTH_EXPIRED = "auth_expired", _("Authorisation expired")
        UNVERIFIABLE = "unverifiable", _("Cannot be checked, waiting for a person")
        DELETED = "deleted", _("Deleted from the network")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.TextField(blank=True)
    network_code = models.CharField(max_length=60, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.outcome}"


class SchedulerHeartbeat(models.Model):
    """When each scheduler last ran publishing's dispatch, so pages can say plainly when
    nothing is publishing (written by ``publishing.jobs.dispatch``)."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()
    claimed_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
