"""Virtual exhibitions: sections of books from the catalogue (or typed in), each with its
cover, description and the librarian's note; shown on a public page and told in a series
of posts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.catalog.models import Record
from vitrina.content.models import Series
from vitrina.core.models import Library, Organisation


class Exhibition(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exhibitions"
    )
    # Whose e-catalogue the books link to.
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=80, allow_unicode=False)
    annotation = models.TextField(_("annotation"), blank=True)
    # Posts told about the exhibition belong to this series, so their figures add up.
    series = models.OneToOneField(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="exhibition"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("virtual exhibition")
        verbose_name_plural = _("virtual exhibitions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="exhibition_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Book(models.Model):
    """A book on show: a catalogue record, or a description typed in by hand."""

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="books")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="books"
    )
    record = models.ForeignKey(
        Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=1000)
    author = models.CharField(_("author"), max_length=300, blank=True)
    description = models.TextField(_("bibliographic description"))
    short = models.CharField(_("short description"), max_length=1000, blank=True)
    note = models.TextField(_("librarian's note"), blank=True)
    cover = models.ImageField(_("cover"), upload_to="exhibitions/covers/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
