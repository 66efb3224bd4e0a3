"""Pages of the catalogue: records and their search, imports, memorable dates."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vitrina.catalog import memorable, rules, selectors
from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.booklist import KEY as BOOKLIST
from vitrina.catalog.booklist import booklist_text
from vitrina.catalog.covers import render_cover
from vitrina.catalog.date_posts import find_occurrence, memorable_post_create
from vitrina.catalog.forms import (
    ColumnMappingForm,
    CoverFetchForm,
    DateFilterForm,
    DateImportForm,
    MemorableDateForm,
    RecordImportForm,
    RecordSearchForm,
)
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import MemorableDate
from vitrina.catalog.services import columns as column_services
from vitrina.catalog.services import covers as cover_services
from vitrina.catalog.services import dates as date_services
from vitrina.catalog.services import imports as import_services
from vitrina.channels.selectors import channel_list
from vitrina.core import rules as core_rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import formats
from vitrina.core.exports import registry as exports
from vitrina.core.exports.sections import DOCX
from vitrina.core.paging import CappedPaginator
from vitrina.core.views.decorators import apply_service_error, require

PAGE_SIZE = 50
# Why a record could not be read, by the reader's error code, for the import report.
READ_ERRORS = {
    "leader": gettext_lazy("The leader (the first 24 bytes) is damaged."),
    "directory": gettext_lazy("The directory of fields is truncated or damaged."),
    "truncated": gettext_lazy("The record is cut short."),
    "empty": gettext_lazy("The record has no fields."),
    "encoding": gettext_lazy("The record has bytes that are not valid in the file's encoding."),
    "damaged": gettext_lazy("The record cannot be read."),
    "xml": gettext_lazy("The XML is malformed from this point on."),
    "row": gettext_lazy("The line has no title."),
    "year": gettext_lazy(
        "The year “%(value)s” is not a year of publication: write it in four digits, such as 2024."
    ),
    "isbn": gettext_lazy(
        "The ISBN “%(value)s” is not valid (its check digit does not match): correct it "
        "or leave the cell empty."
    ),
    "header": gettext_lazy("The header row has no title column."),
    "koha": gettext_lazy("Koha did not give this record."),
    "failed": gettext_lazy("The import stopped with an error."),
}

# Errors whose reason is the value from the file, told back to the person.
VALUE_ERRORS = {"year", "isbn"}


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def record_list(request):
    form = RecordSearchForm(request.GET or None)
    filters = selectors.RecordFilter()
    if form.is_valid():
        filters = selectors.RecordFilter(**form.cleaned_data)
    records = selectors.record_list(membership=request.membership, filters=filters)
    page = CappedPaginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/record_list.html",
        {
            "form": form,
            "page": page,
            "searching": form.is_bound and any(form.data.get(name) for name in form.fields),
            "query": _query_without_page(request),
            "can_manage": rules.can_manage_catalogue(request.membership),
        },
    )


EXPORT_LIMIT = 1000


def record_export(request, file_format):
    """The found records as a list of literature: DOCX to print or text for a post."""
    form = RecordSearchForm(request.GET or None)
    filters = selectors.RecordFilter(**form.cleaned_data) if form.is_valid() else None
    records = selectors.record_export_list(
        membership=request.membership, filters=filters, limit=EXPORT_LIMIT
    )
    today = timezone.localdate()
    filename = f"literature-{request.organisation.slug}-{today:%Y-%m-%d}"
    if file_format == "docx":
        document = exports.document(BOOKLIST, membership=request.membership, filters=filters)
        return formats.response(document, DOCX, filename=filename)
    text = booklist_text([describe_short(from_dict(record.data)) for record in records])
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.txt"'
    return response


def _record_or_404(request, record_id):
    record = selectors.record_get(membership=request.membership, pk=record_id)
    if record is None:
        raise Http404
    return record


def record_detail(request, record_id):
    record = _record_or_404(request, record_id)
    bib = from_dict(record.data)
    return render(
        request,
        "catalog/record_detail.html",
        {
            "record": record,
            "bib": bib,
            "short": describe_short(bib),
            "cover_form": CoverFetchForm(),
            "can_manage": rules.can_manage_catalogue(request.membership),
        },
    )


def record_cover(request, record_id):
    """The record's cover: the stored image, or one drawn from its title and author."""
    record = _record_or_404(request, record_id)
    if record.cover:
        response = FileResponse(record.cover.open("rb"), content_type=record.cover_type)
    else:
        bib = from_dict(record.data)
        author = bib.authors[0].named if bib.authors else ""
        response = HttpResponse(render_cover(record.title, author), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require(rules.can_manage_catalogue)
@require_POST
def record_cover_fetch(request, record_id):
    record = _record_or_404(request, record_id)
    form = CoverFetchForm(request.POST)
    if form.is_valid():
        try:
            cover_services.record_cover_fetch(
                record=record, actor=request.user, url=form.cleaned_data["url"]
            )
            messages.success(request, _("The cover is saved."))
        except ServiceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Enter the address of an image."))
    return redirect("catalog:detail", org=request.organisation.slug, record_id=record.pk)


@require(rules.can_manage_catalogue)
def record_import(request):
    form = RecordImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = import_services.record_import_queue(
                organisation=request.organisation,
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
                encoding=form.cleaned_data["encoding"] or None,
                flavour=form.cleaned_data["flavour"] or None,
                received_on=form.cleaned_data["received_on"],
            )
            return redirect("catalog:import-detail", org=request.organisation.slug, run_id=run.pk)
        except ServiceError as error:
            apply_service_error(form, error)
    runs = selectors.import_run_list(membership=request.membership)[:20]
    return render(request, "catalog/import_form.html", {"form": form, "runs": runs})


@require(rules.can_manage_catalogue)
def column_mapping(request):
    """The names this organisation's library system gives the columns of its exports."""
    mapping = selectors.column_mapping_get(membership=request.membership)
    form = ColumnMappingForm(request.POST or None, columns=mapping.columns if mapping else None)
    if request.method == "POST" and form.is_valid():
        try:
            column_services.column_mapping_save(
                organisation=request.organisation, actor=request.user, columns=form.columns()
            )
            messages.success(request, _("Saved. The next imports recognise these columns."))
            return redirect("catalog:import", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "catalog/column_mapping.html", {"form": form})


def _read_error(error: dict) -> str:
    """The reason in the person's language; the reader's own words (English, technical)
    stay in the run for the operator."""
    message = READ_ERRORS.get(error.get("code"), READ_ERRORS["damaged"])
    if error.get("code") in VALUE_ERRORS:
        return message % {"value": error.get("reason", "")}
    return str(message)


def import_detail(request, run_id):
    run = selectors.import_run_get(membership=request.membership, pk=run_id)
    if run is None:
        raise Http404
    # While the import runs, the page asks for its report again (htmx) until it is done.
    polled = request.headers.get("HX-Request") == "true"
    template = "catalog/import_report.html" if polled else "catalog/import_detail.html"
    errors = [{**error, "message": _read_error(error)} for error in run.errors]
    return render(request, template, {"run": run, "errors": errors})


def date_list(request):
    form = DateFilterForm(request.GET or None)
    kind, q = "", ""
    if form.is_valid():
        kind, q = form.cleaned_data["kind"], form.cleaned_data["q"]
    days = settings.CATALOG_UPCOMING_DAYS
    today = timezone.localdate()
    dates = selectors.memorable_date_list(membership=request.membership, kind=kind, q=q)
    upcoming = selectors.memorable_date_upcoming(
        membership=request.membership, today=today, days=days
    )
    # Each coming date with its id, for the button that writes a post about it.
    ids = selectors.memorable_date_ids(membership=request.membership)
    rows = [(item, ids.get(f"{item.entry.kind}:{item.title}")) for item in upcoming]
    return render(
        request,
        "catalog/date_list.html",
        {
            "upcoming": [(item, pk) for item, pk in rows if item.date],
            # Known to the year only: anniversaries of the year, listed apart.
            "upcoming_years": [(item, pk) for item, pk in rows if not item.date],
            "channels": channel_list(membership=request.membership),
            "can_write": core_rules.can_write_posts(request.membership),
            "days": days,
            "today": today,
            "page": _page(request, dates),
            "form": form,
            "query": _query_without_page(request),
            "import_form": DateImportForm(),
            "can_manage": rules.can_manage_catalogue(request.membership),
        },
    )


@require(core_rules.can_write_posts)
@require_POST
def date_post(request, date_id):
    """One click on a coming date: a draft post about it on the chosen channels."""
    date = _date_or_404(request, date_id)
    what, _sep, on = request.POST.get("occurrence", "").partition(":")
    occurrence = find_occurrence(date, what=what, on=on, today=timezone.localdate())
    if occurrence is None:
        raise Http404
    channels = selectors.channels_chosen(
        membership=request.membership, ids=request.POST.getlist("channels")
    )
    try:
        post = memorable_post_create(
            membership=request.membership,
            actor=request.user,
            date=date,
            occurrence=occurrence,
            channels=channels,
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("catalog:dates", org=request.organisation.slug)
    messages.success(request, _("The draft post is written."))
    return redirect("content:post", org=request.organisation.slug, post_id=post.pk)


@require(rules.can_manage_catalogue)
@require_POST
def date_import(request):
    form = DateImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("catalog:dates", org=request.organisation.slug)
    upload = form.cleaned_data["file"]
    try:
        result = date_services.memorable_date_import(
            organisation=request.organisation,
            actor=request.user,
            filename=upload.name,
            data=upload.read(),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("catalog:dates", org=request.organisation.slug)
    messages.success(
        request,
        _("Dates added: %(created)s, updated: %(updated)s, not read: %(failed)s.")
        % {"created": result.created, "updated": result.updated, "failed": len(result.errors)},
    )
    for row, reason in result.errors[:20]:
        messages.warning(request, _("Line %(row)s: %(reason)s") % {"row": row, "reason": reason})
    return redirect("catalog:dates", org=request.organisation.slug)


@require(rules.can_manage_catalogue)
@require_POST
def date_starter_set(request):
    created = date_services.memorable_date_load_starter_set(
        organisation=request.organisation, actor=request.user
    )
    messages.success(
        request, _("Dates added from the starter calendar: %(count)s.") % {"count": created}
    )
    return redirect("catalog:dates", org=request.organisation.slug)


def _date_or_404(request, date_id):
    date = selectors.memorable_date_get(membership=request.membership, pk=date_id)
    if date is None:
        raise Http404
    return date


def _initial(date) -> dict:
    if date is None:
        return {"kind": MemorableDate.Kind.PERSON}
    text = date.date_display
    if date.kind == MemorableDate.Kind.DAY and date.rule_day:
        text = f"{date.rule_day:02d}.{date.rule_month:02d}"
    return {
        "kind": date.kind,
        "title": date.title,
        "date": text,
        "end": date.end_display,
        "since": date.since,
        "description": date.description,
    }


@require(rules.can_manage_catalogue)
def date_edit(request, date_id=None):
    date = _date_or_404(request, date_id) if date_id else None
    rule_kept = bool(date and date.kind == MemorableDate.Kind.DAY and date.rule_weekday is not None)
    form = MemorableDateForm(request.POST or None, initial=_initial(date), rule_kept=rule_kept)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = data["parsed_rule"]
        if rule is None and rule_kept and data["kind"] == MemorableDate.Kind.DAY:
            rule = date.to_entry().rule
        entry = memorable.MemorableDate(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            date=data["parsed_date"],
            end=data["parsed_end"] if data["kind"] == MemorableDate.Kind.PERSON else None,
            rule=rule,
            since=data["since"] if data["kind"] == MemorableDate.Kind.DAY else None,
            tags=list(date.tags) if date else [],
        )
        try:
            if date is None:
                date_services.memorable_date_create(
                    organisation=request.organisation, actor=request.user, entry=entry
                )
            else:
                date_services.memorable_date_update(date=date, actor=request.user, entry=entry)
            messages.success(request, _("Saved."))
            return redirect("catalog:dates", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "catalog/date_form.html", {"form": form, "date": date})


@require(rules.can_manage_catalogue)
@require_POST
def date_delete(request, date_id):
    date = _date_or_404(request, date_id)
    date_services.memorable_date_delete(date=date, actor=request.user)
    messages.success(request, _("The date is deleted."))
    return redirect("catalog:dates", org=request.organisation.slug)
