from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vitrina.catalog import memorable
from vitrina.catalog.models import MemorableDate
from vitrina.catalog.tabular import COLUMNS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class RecordSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    author = forms.CharField(label=_("Author"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    isbn = forms.CharField(label=_("ISBN"), required=False, max_length=40)
    year_from = forms.IntegerField(
        label=_("Year from"), required=False, min_value=1, max_value=2100
    )
    year_to = forms.IntegerField(label=_("Year to"), required=False, min_value=1, max_value=2100)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )


class RecordImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "MARC21 or RUSMARC (ISO 2709 or MARCXML), or a CSV or XLSX list with a header row."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        required=False,
        choices=[
            ("", _("Detect")),
            ("utf-8", "UTF-8"),
            ("cp1251", "Windows-1251 (cp1251)"),
            ("cp866", "DOS (cp866)"),
        ],
    )
    flavour = forms.ChoiceField(
        label=_("MARC format"),
        required=False,
        choices=[("", _("Detect")), ("rusmarc", "RUSMARC"), ("marc21", "MARC21")],
    )
    received_on = forms.DateField(
        label=_("Date received"),
        required=False,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        help_text=_("Leave empty to take the date each record carries."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CATALOG_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": settings.CATALOG_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class CoverFetchForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the cover image"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to use the record's own link."),
    )


class DateFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *MemorableDate.Kind.choices]
    )
    q = forms.CharField(label=_("Words"), required=False, max_length=200)


class DateImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with the columns kind, title, date, died, description; "
            "or a Wikidata JSON export."
        ),
    )


class MemorableDateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MemorableDate.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=20,
        help_text=_(
            "07.12.1890, or 1890 when only the year is known; for a day of the year 07.04."
        ),
    )
    end = forms.CharField(
        label=_("Date of death"), required=False, max_length=20, help_text=_("For a person.")
    )
    since = forms.IntegerField(
        label=_("Kept since"), required=False, min_value=1, max_value=2100,
        help_text=_("For a day of the year: the year it was first kept."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rule_kept: bool = False, **kwargs):
        # A day kept by a rule (the third Sunday of June) keeps it when the date is left empty.
        self.rule_kept = rule_kept
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        kind, text = data.get("kind"), (data.get("date") or "").strip()
        data["parsed_date"] = data["parsed_rule"] = data["parsed_end"] = None
        try:
            if kind == memorable.DAY:
                if text:
                    data["parsed_rule"] = memorable.parse_day_rule(text)
                elif not self.rule_kept:
                    self.add_error("date", _("Enter the day and month, for example 07.04."))
            elif kind:
                if not text:
                    self.add_error("date", _("Enter the date or at least the year."))
                else:
                    data["parsed_date"] = memorable.PartialDate.parse(text)
        except ValueError:
            self.add_error("date", _("Enter a date such as 07.12.1890 or a year such as 1890."))
        end = (data.get("end") or "").strip()
        if end:
            try:
                data["parsed_end"] = memorable.PartialDate.parse(end)
            except ValueError:
                self.add_error("end", _("Enter a date such as 07.12.1890 or a year such as 1890."))
        return data


COLUMN_LABELS = {
    "external_id": _("Id in the library system"),
    "title": _("Title"),
    "other_title": _("Other title information"),
    "authors": _("Authors"),
    "editors": _("Editors"),
    "edition": _("Edition"),
    "place": _("Place of publication"),
    "publisher": _("Publisher"),
    "year": _("Year"),
    "pages": _("Pages"),
    "series": pgettext_lazy("publisher's series of books", "Series"),
    "isbn": "ISBN",
    "subjects": _("Subjects"),
    "url": _("Link"),
    "received": _("Date received"),
}


class ColumnMappingForm(forms.Form):
    """Extra header names per field, comma-separated, as the library system writes them."""

    def __init__(self, *args, columns: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        columns = columns or {}
        for key, label in COLUMN_LABELS.items():
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=500,
                initial=", ".join(columns.get(key, [])),
                help_text=_("Also recognised: %(names)s")
                % {"names": ", ".join(sorted(COLUMNS[key]))},
            )

    def columns(self) -> dict[str, list[str]]:
        return {
            key: [name.strip() for name in self.cleaned_data[key].split(",") if name.strip()]
            for key in COLUMN_LABELS
        }
