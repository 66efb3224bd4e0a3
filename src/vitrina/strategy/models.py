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
