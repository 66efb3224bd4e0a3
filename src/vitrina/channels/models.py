"""Accounts of libraries on networks: the channels registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
from vitrina.core.models import Library, Organisation, validate_timezone


class Channel(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="channels"
    )
    library = models.ForeignKey(
        Library, on_delete=models.RESTRICT, related_name="channels", verbose_name=_("library")
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    url = models.CharField(_("address"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_on = models.DateField(_("date created"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )
    audience_notes = models.TextField(_("audience"), blank=True)
    connection_state = models.CharField(
        _("connection"),
        max_length=20,
        choices=ConnectionState.choices,
        default=ConnectionState.NOT_CONNECTED,
    )
    # Filled by analytics; entered by hand for record-only accounts.
    posts_per_week = models.DecimalField(
        _("posts a week"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    subscribers = models.PositiveIntegerField(_("friends / subscribers"), null=True, blank=True)
    visits = models.PositiveIntegerField(_("visits"), null=True, blank=True)
    stats_updated_at = models.DateTimeField(null=True, blank=True)
    # Publishing paces itself per channel: nothing is handed out for it before this moment.
    publish_not_before = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["library__name", "network", "name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        indexes = [models.Index(fields=["organisation", "network"])]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ChannelSecret(models.Model):
    """A network token, encrypted at rest. Never rendered back to anyone."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="secrets")
    kind = models.CharField(max_length=20, choices=SecretKind.choices)
    ciphertext = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind"], name="one_secret_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_kind_display()}"
