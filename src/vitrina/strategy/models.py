"""A library's social-media strategy in seven steps: why (goals), for whom (audience),
where (networks), what (content), how it talks with readers (communication), who does
the work (resources) and which kind of page on each network.

One strategy per organisation, and one for a library where its plan differs. Each step is
stored as it is filled; ``steps_done`` says which were saved, so the wizard resumes where
it was left. The content step's topics are the content module's rubrics (their weekly
target lives on the rubric); this app keeps only when each is posted.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.content.models import Rubric
from vitrina.core.models import Library, Membership, Organisation, User
from vitrina.inbox.models import CannedAnswer


class Step(models.TextChoices):
    GOALS = "goals", _("Goals")
    AUDIENCE = "audience", _("Audience")
    NETWORKS = "networks", _("Networks")
    CONTENT = "content", _("Content")
    COMMUNICATION = "communication", _("Communication")
    RESOURCES = "resources", _("Resources")
    PAGES = "pages", _("Page type")


STEPS = list(Step.values)


class Purpose(models.TextChoices):
    COMMUNICATION = "communication", _("Present the library and keep in touch with readers")
    SUPPORT = "support", _("A support centre: answers, consultations, reviews, negativity")
    TRAFFIC = "traffic", _("Bring visitors to the site, the e-catalogue and the e-library")
    VISITS = "visits", _("Bring people into the library: books, events, clubs")


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children (up to 13)")
    TEENS = "teens", _("Teenagers (14–17)")
    YOUNG = "young", _("Young people (18–35)")
    ADULTS = "adults", _("Adults (36–59)")
    SENIORS = "seniors", _("Older people (60 and over)")
    PROFESSIONALS = "professionals", _("Specialists (doctors, teachers, researchers)")


class Tone(models.TextChoices):
    PERSONAL = "personal", _("First person, conversational")
    FORMAL = "formal", _("Formal, official")


class Strategy(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategies"
    )
    # A library's own strategy where it differs from the organisation's (None: the
    # organisation's).
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, null=True, blank=True, related_name="strategies"
    )
    steps_done = models.JSONField(default=list, blank=True)
    last_step = models.CharField(max_length=20, choices=Step.choices, default=Step.GOALS)
    # Step 1
    purposes = models.JSONField(default=list, blank=True)
    # Step 2
    geography = models.TextField(_("geography"), blank=True)
    age_groups = models.JSONField(default=list, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    # Step 4
    tone = models.CharField(_("tone"), max_length=20, choices=Tone.choices, blank=True)
    tone_notes = models.TextField(_("style notes"), blank=True)
    picture_every_post = models.BooleanField(_("every post with a picture"), default=False)
    photo_report_share = models.PositiveSmallIntegerField(
        _("share of photo reports, %"), null=True, blank=True
    )
    # Step 5
    answer_working_days = models.PositiveSmallIntegerField(
        _("answer readers within, working days"), null=True, blank=True
    )
    negativity = models.TextField(_("reviews and negativity"), blank=True)
    canned_answers = models.ManyToManyField(CannedAnswer, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(library__isnull=True),
                name="strategy_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "library"], name="strategy_one_per_library"
            ),
        ]

    def __str__(self) -> str:
        return str(self.library or self.organisation)


class Goal(models.Model):
    """A concrete, measurable goal: a metric Vitrina counts, where it starts, the figure
    to reach and by when."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("goal"), max_length=200)
    metric = models.CharField(_("figure"), max_length=40)
    network = models.CharField(_("network"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=1)
    baseline = models.DecimalField(
        _("baseline"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class NetworkChoice(models.Model):
    """A network the library keeps a page on (step 3), and the kind of account it is
    (step 7)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="networks")
    position = models.PositiveSmallIntegerField(default=0)
    network = models.CharField(_("network"), max_length=20)
    reason = models.TextField(_("why this network"), blank=True)
    kind = models.CharField(_("kind of page"), max_length=20, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "network"], name="strategy_network_once")
        ]

    def __str__(self) -> str:
        return self.network


class RubricPlan(models.Model):
    """When a rubric is posted: the weekly target itself is the rubric's."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="rubric_plans")
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    target_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days = models.JSONField(default=list, blank=True)  # 0 Monday … 6 Sunday
    hours = models.JSONField(default=list, blank=True)  # 0…23, the library's clock

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "rubric"], name="strategy_rubric_once")
        ]

    def __str__(self) -> str:
        return str(self.rubric)


class Duty(models.Model):
    """Who does what for the pages and how many hours a week (step 6)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveSmallIntegerField(default=0)
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.CharField(_("who"), max_length=200, blank=True)
    work = models.CharField(_("what they do"), max_length=300)
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.work


# ---------------------------------------------------------------------------------------
# Short links to the library's own resources (the goal "traffic to the site, e-catalogue
# and e-library"). Clicks are kept as counts per link and hour, nothing about who clicked.
# ---------------------------------------------------------------------------------------


class Resource(models.TextChoices):
    SITE = "site", _("Website")
    CATALOGUE = "catalogue", _("E-catalogue")
    ELIBRARY = "elibrary", _("E-library")
    OTHER = "other", _("Other address")


class ShortLink(models.Model):
    """``/s/<code>`` at Vitrina's address, redirecting to ``target_url``.

    A link made for a variant (the composer's) keeps the variant, its channel and rubric,
    so clicks are counted by post, channel and rubric. A link to an address outside the
    library's own sites redirects only once an editor has confirmed it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="short_links"
    )
    library = models.ForeignKey(
        Library, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=16, unique=True)
    target_url = models.URLField(_("address"), max_length=1000)
    resource = models.CharField(
        _("resource"), max_length=20, choices=Resource.choices, default=Resource.OTHER
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    variant = models.ForeignKey(
        "content.Variant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        "content.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An address outside the library's sites: None until an editor confirms it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "target_url"],
                condition=models.Q(variant__isnull=False),
                name="shortlink_once_per_variant_address",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def active(self) -> bool:
        return self.resource != Resource.OTHER or self.confirmed_at is not None


class ShortLinkClicks(models.Model):
    """How many counted clicks a link had in one hour (UTC, the hour's start)."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "hour"], name="shortlink_clicks_hour_once")
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.hour:%Y-%m-%d %H}:00 {self.count}"


class ClickFlush(models.Model):
    """A batch of clicks moved from Redis to the database: written in the same transaction
    as the counts, so a batch retried after a crash is recognised and not counted twice."""

    batch = models.CharField(max_length=40, unique=True)
    clicks = models.PositiveIntegerField(default=0)
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.batch


class HealthRun(models.Model):
    """The health checks of one week for an organisation, as the weekly run found them;
    ``digest_sent_at`` marks the week's digest as sent, so it goes out once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategy_health_runs"
    )
    week = models.DateField()  # the Monday of the week, in the organisation's zone
    checked_at = models.DateTimeField()
    results = models.JSONField(default=list)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week"], name="strategy_health_week_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.week}"


class PageFact(models.Model):
    """A fact of an official page a network does not tell Vitrina, confirmed by a
    librarian (the description holds the address, the official mark is given …)."""

    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="strategy_page_facts"
    )
    fact = models.CharField(max_length=20)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "fact"], name="strategy_page_fact_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.fact}"
