"""The catalogue of an organisation: bibliographic records, their imports, memorable dates.

Records keep the fields a description needs as columns (for search and lists) and the whole
``BibRecord`` as JSON (for the ГОСТ description), so nothing a source gave is lost.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.catalog import memorable
from vitrina.catalog.bibrecord import ELECTRONIC, TEXT
from vitrina.core.models import Organisation, User


class Source(models.TextChoices):
    FILE = "file", _("File")
    IRBIS = "irbis", _("IRBIS64")
    SRU = "sru", _("SRU")
    KOHA = "koha", _("Koha")
    MANUAL = "manual", _("Entered by hand")


class ResourceType(models.TextChoices):
    TEXT = TEXT, _("Printed text")
    ELECTRONIC = ELECTRONIC, _("Electronic resource")


class Record(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="catalogue_records"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # The record's id in its source (MARC 001, IRBIS MFN, Koha biblio id): re-imports update.
    external_id = models.CharField(_("id in the source"), max_length=200)
    title = models.CharField(_("title"), max_length=1000)
    authors = models.CharField(_("authors"), max_length=1000, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    publisher = models.CharField(_("publisher"), max_length=500, blank=True)
    # Digits only, for search; the ISBN as printed stays in ``data``.
    isbn = models.CharField(_("ISBN"), max_length=40, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    subjects_text = models.CharField(max_length=2000, blank=True)
    resource_type = models.CharField(
        _("resource type"), max_length=16, choices=ResourceType.choices, default=TEXT
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    # Everything the formatter needs, as ``BibRecord`` fields.
    data = models.JSONField(default=dict)
    description = models.TextField(_("bibliographic description"), blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    cover = models.FileField(_("cover"), upload_to="catalogue/covers/", blank=True)
    cover_type = models.CharField(max_length=40, blank=True)
    # Words for search: plain text for PostgreSQL; lower-case words, field-prefixed, elsewhere.
    search_document = models.TextField(blank=True)
    search_words = models.TextField(blank=True)
    # Filled on PostgreSQL only (``russian`` configuration) and indexed there with GIN.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("catalogue record")
        verbose_name_plural = _("catalogue records")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "external_id"], name="record_unique_in_source"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-received_on"]),
            models.Index(fields=["organisation", "year"]),
            models.Index(fields=["organisation", "isbn"]),
        ]

    def __str__(self) -> str:
        return self.title


class ImportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting in the queue")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped by an error")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="catalogue_imports"
    )
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    filename = models.CharField(_("file"), max_length=300)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("records in the file"), default=0)
    created = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    failed = models.PositiveIntegerField(_("not read"), default=0)
    # [{"number": 3, "offset": 1024, "code": "leader", "reason": "..."}]
    errors = models.JSONField(default=list, blank=True)
    # A queued upload waits here until its task reads it; it is deleted once imported.
    file = models.FileField(upload_to="catalogue/imports/", blank=True)
    options = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")

    def __str__(self) -> str:
        return self.filename


class MemorableDate(models.Model):
    class Kind(models.TextChoices):
        PERSON = memorable.PERSON, _("Person")
        EVENT = memorable.EVENT, _("Event")
        BOOK = memorable.BOOK, _("Book")
        DAY = memorable.DAY, _("Day of the year")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memorable_dates"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Birth, event or publication: the year always, month and day when known.
    year = models.SmallIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    # Death of a person.
    end_year = models.SmallIntegerField(null=True, blank=True)
    end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    end_day = models.PositiveSmallIntegerField(null=True, blank=True)
    # A day kept every year: a fixed day, or the nth weekday (Monday 0) of the month.
    rule_month = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_day = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_nth = models.SmallIntegerField(null=True, blank=True)
    since = models.SmallIntegerField(_("kept since"), null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("memorable date")
        verbose_name_plural = _("memorable dates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "title"], name="memorable_date_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def to_entry(self) -> memorable.MemorableDate:
        return memorable.MemorableDate(
            kind=self.kind,
            title=self.title,
            description=self.description,
            date=memorable.PartialDate(self.year, self.month, self.day)
            if self.year is not None
            else None,
            end=memorable.PartialDate(self.end_year, self.end_month, self.end_day)
            if self.end_year is not None
            else None,
            rule=memorable.DayRule(self.rule_month, self.rule_day, self.rule_weekday, self.rule_nth)
            if self.rule_month
            else None,
            since=self.since,
            tags=list(self.tags),
        )

    @property
    def date_display(self) -> str:
        return _partial_display(self.year, self.month, self.day)

    @property
    def end_display(self) -> str:
        return _partial_display(self.end_year, self.end_month, self.end_day)


def _partial_display(year, month, day) -> str:
    if year is None:
        return ""
    if day:
        return f"{day:02d}.{month:02d}.{year}"
    if month:
        return f"{month:02d}.{year}"
    return str(year)


class ColumnMapping(models.Model):
    """How an organisation's library system names the columns of its CSV/XLSX exports.

    ``columns`` maps a record field to extra header names, e.g. ``{"title": ["назв."]}``;
    they are recognised in addition to the usual Russian and English names.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="catalogue_columns"
    )
    columns = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {len(self.columns)}"
