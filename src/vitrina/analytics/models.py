"""Figures of channels and posts as the networks (or people) reported them, day by day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.content.models import Tag, Variant
from vitrina.core.models import Library, Organisation


class Source(models.TextChoices):
    NETWORK = "network", _("From the network")
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a file")


class AccountSnapshot(models.Model):
    """One channel on one day. ``followers`` is the count at the end of the day; ``joined``
    and ``left`` are the day's movements (friends added for a VK profile)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField(_("day"))
    followers = models.PositiveIntegerField(_("subscribers"), null=True, blank=True)
    joined = models.PositiveIntegerField(_("joined"), null=True, blank=True)
    left = models.PositiveIntegerField(_("left"), null=True, blank=True)
    visitors = models.PositiveIntegerField(_("visitors"), null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.NETWORK)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["channel", "day"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="account_snapshot_day")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


class OrganisationDay(models.Model):
    """The account figures of an organisation's channels added up by day, archived channels
    left out: the organisation's dashboard reads a row a day instead of a row for every
    channel and day. ``account_snapshots_save`` keeps it in the transaction of the write
    (``analytics.rollup``); ``marked`` counts the channel-days a person entered or imported,
    ``read`` the channels whose subscribers are known that day (their sum is comparable with
    another day's only where as many were read)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    followers = models.BigIntegerField(null=True)
    joined = models.BigIntegerField(null=True)
    left = models.BigIntegerField(null=True)
    visitors = models.BigIntegerField(null=True)
    marked = models.PositiveIntegerField(default=0)
    read = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="organisation_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}"


class PostDay(models.Model):
    """The latest figures of an organisation's posts published on one day (in its time
    zone), archived channels left out, in the groups the dashboard shows
    (``analytics.grouping``): ``kind`` names the grouping, its keys are set and the others
    empty. The organisation's dashboard adds up these rows instead of reading every post.
    Kept by ``analytics.rollup`` in the transaction of every change that moves a figure."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=10)
    # Keys, plain numbers rather than foreign keys: a deleted rubric or series leaves its
    # posts without one, and the rollup follows that change rather than the deletion.
    subscriber_reach = models.SmallIntegerField(null=True)  # views stand in for reach
    library = models.BigIntegerField(null=True)
    weekday = models.SmallIntegerField(null=True)
    hour = models.SmallIntegerField(null=True)
    rubric = models.BigIntegerField(null=True)
    series = models.BigIntegerField(null=True)
    format = models.CharField(max_length=10, null=True)  # a key: NULL where not grouped by it
    people = models.SmallIntegerField(null=True)
    # Sums and counts, so that days add up.
    posts = models.IntegerField(default=0)
    views = models.BigIntegerField(default=0)
    counted = models.IntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    reposts = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    ratio_sum = models.FloatField(default=0)
    ratios = models.IntegerField(default=0)
    marked = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organisation", "day", "kind"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.kind}"


class PostSnapshot(models.Model):
    """A post's figures at one moment. The post is Vitrina's variant where the external id
    matches one, otherwise a post made on the network directly. ``taken_at`` is rounded to
    the hour, so collecting twice within an hour updates one row instead of adding one.

    The channel has no foreign key in the database: this table takes millions of rows and a
    key check per row would cost more than the row itself. The one write path
    (``post_snapshots_save_many``) checks and locks the batch's channels once instead, and
    deleting a channel deletes its history through Django's cascade."""

    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        related_name="post_snapshots",
        db_constraint=False,
        db_index=False,  # the unique key starts with the channel
    )
    external_id = models.CharField(max_length=100)
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    taken_at = models.DateTimeField()
    views = models.PositiveIntegerField(null=True, blank=True)
    likes = models.PositiveIntegerField(null=True, blank=True)
    reposts = models.PositiveIntegerField(null=True, blank=True)
    comments = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.NETWORK)

    class Meta:
        ordering = ["channel", "external_id", "taken_at"]
        # The unique key is the history's index (beside the variant's, which deleting a
        # publication needs): figures are read from the latest readings (PostLatest), a
        # post's history by its key, and every other index is paid on each of millions of
        # rows written.
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id", "taken_at"], name="post_snapshot_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.external_id} {self.taken_at:%Y-%m-%d %H:%M}"


# A post's first words are kept to this length.
TEXT_LENGTH = 200


class PostLatest(models.Model):
    """A post's latest figures, one row a post: what reports and dashboards add up, so they
    never search the history for each post's newest snapshot."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="posts_latest")
    external_id = models.CharField(max_length=100)
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    taken_at = models.DateTimeField()
    views = models.PositiveIntegerField(null=True, blank=True)
    likes = models.PositiveIntegerField(null=True, blank=True)
    reposts = models.PositiveIntegerField(null=True, blank=True)
    comments = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.NETWORK)
    # The first words of a post made on the network directly, as its wall gave them: what
    # names it on the pages (Vitrina's own posts are named by their post). NULL until the
    # wall was read for it, "" where it has no text (a picture only).
    text = models.CharField(_("text"), max_length=TEXT_LENGTH, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="post_latest_post")
        ]
        indexes = [models.Index(fields=["channel", "published_at"])]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.external_id}"


class ChannelCollection(models.Model):
    """How the channel's latest collection went: the dashboard names the channels that
    were skipped and why."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="collection"
    )
    collected_at = models.DateTimeField()
    skipped = models.CharField(max_length=30, blank=True)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.channel_id} {self.collected_at} {self.skipped}"


class Report(models.Model):
    """A period report of an organisation or one of its libraries, with the library's own
    conclusions and who signs it, which the exports carry."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="analytics_reports"
    )
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("library")
    )
    # Only the posts with this tag count (a department's own posts, say); the account
    # figures (subscribers, visits) are the channels' whole.
    tag = models.ForeignKey(
        Tag, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("posts tagged")
    )
    title = models.CharField(_("title"), max_length=200)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    growth_since = models.DateField(_("growth since"), null=True, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    # Who signs the document: its signature block.
    signer_position = models.CharField(_("position of the signer"), max_length=200, blank=True)
    signer_name = models.CharField(_("name of the signer"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date_to", "title"]

    def __str__(self) -> str:
        return self.title
