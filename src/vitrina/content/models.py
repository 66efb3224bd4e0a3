"""Posts, their per-channel variants, media, rubrics and series."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.content.states import VariantState
from vitrina.core.models import Library, Organisation


class Rubric(models.Model):
    """A topic of the content strategy, with a colour and a target frequency."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rubrics")
    name = models.CharField(_("name"), max_length=120)
    colour = models.CharField(_("colour"), max_length=7, default="#1f5f8b")
    target_per_week = models.DecimalField(
        _("posts a week (target)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    utm_campaign = models.SlugField(_("campaign in links"), max_length=60, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="rubric_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """A virtual project: a run of posts under one title («Парад военных книг»)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(_("name"), max_length=200)
    rubric = models.ForeignKey(Rubric, on_delete=models.SET_NULL, null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name_plural = _("series")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="series_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="tag_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


def new_marker() -> str:
    return uuid.uuid4().hex


def media_path(instance, filename: str) -> str:
    return f"media/{instance.organisation_id}/{uuid.uuid4().hex}/{filename}"


class MediaAsset(models.Model):
    """An image in the organisation's media library, already converted for the networks."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=media_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60, default="image/jpeg")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    alt_text = models.CharField(
        _("description for the visually impaired"), max_length=500, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class Post(models.Model):
    """Written once; published to several channels through its variants."""

    class Source(models.TextChoices):
        EDITOR = "editor", _("Written in Vitrina")
        GUEST = "guest", _("Guest post")
        IMPORT = "import", _("Imported plan")
        RECURRING = "recurring", _("Recurring post")
        API = "api", _("API")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    guest_name = models.CharField(_("guest author"), max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.EDITOR)
    title = models.CharField(_("working title"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    # A note about a person (a reader, a writer, a colleague): the dashboard counts these apart.
    about_people = models.BooleanField(_("about people"), default=False)
    link_url = models.URLField(_("link"), max_length=500, blank=True)
    add_utm = models.BooleanField(
        _("mark links to the library's sites for statistics"), default=True
    )
    poll_question = models.CharField(_("poll question"), max_length=300, blank=True)
    poll_answers = models.JSONField(_("poll answers"), default=list, blank=True)
    poll_anonymous = models.BooleanField(_("anonymous poll"), default=True)
    poll_multiple = models.BooleanField(_("several answers allowed"), default=False)
    poll_ends_at = models.DateTimeField(_("poll ends"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    approval_comment = models.TextField(blank=True)
    recurrence = models.ForeignKey(
        "Recurrence", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_at", "-created_at"]
        indexes = [models.Index(fields=["organisation", "scheduled_at"])]

    def __str__(self) -> str:
        return self.title or (self.text[:60] + ("…" if len(self.text) > 60 else ""))


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media_items")
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.asset_id}"


class Variant(models.Model):
    """The post on one channel: its own text, time and publication state."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="variants")
    text = models.TextField(blank=True)
    customised = models.BooleanField(default=False)  # edited apart from the post's text
    scheduled_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=VariantState.choices, default=VariantState.DRAFT, db_index=True
    )
    # A stable id of this publication: VK's guid, and the key for reconciliation.
    marker = models.CharField(max_length=40, default=new_marker, editable=False, db_index=True)
    external_id = models.CharField(max_length=100, blank=True)
    external_url = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_variant_per_channel")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="variant_due"),
            models.Index(fields=["channel", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.post} → {self.channel}"

    @property
    def effective_text(self) -> str:
        # The variant keeps its own copy (with the network's link marks); the post's text
        # is only a fallback for variants made before the copy existed.
        return self.text if (self.text or self.customised) else self.post.text


class PostingSlot(models.Model):
    """A regular time at which a channel publishes (Tuesday and Thursday at 10:00)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    time = models.TimeField(_("time"))  # in the channel's time zone

    class Meta:
        ordering = ["channel", "weekday", "time"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "weekday", "time"], name="slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M}"


class Recurrence(models.Model):
    """A post repeated every week on one day until an end date («Новинки по пятницам»)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="recurrences"
    )
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("working title"), max_length=200)
    text = models.TextField(_("text"))
    rubric = models.ForeignKey(Rubric, on_delete=models.SET_NULL, null=True, blank=True)
    channels = models.ManyToManyField(Channel, related_name="+")
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=PostingSlot.Weekday.choices
    )
    time = models.TimeField(_("time"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Template(models.Model):
    """A starting text for a rubric's posts, with placeholders filled on saving."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="post_templates"
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, null=True, blank=True, related_name="templates"
    )
    name = models.CharField(_("name"), max_length=120)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TextBlock(models.Model):
    """A reusable piece of text: an address, opening hours, a sign-off with hashtags."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="text_blocks"
    )
    name = models.CharField(_("name"), max_length=120)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GuestLink(models.Model):
    """A one-time address at which a guest writes a post without an account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="guest_links"
    )
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField(_("for whom"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.note
