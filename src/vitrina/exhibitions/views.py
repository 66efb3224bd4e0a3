"""Pages of virtual exhibitions: the builder inside the organisation and the public page."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.catalog import rules
from vitrina.catalog import selectors as catalog
from vitrina.channels.selectors import channel_list
from vitrina.content.selectors import series_posts
from vitrina.core import rules as core_rules
from vitrina.core import timeplace
from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import formats
from vitrina.core.exports import registry as exports
from vitrina.core.selectors import organisation_libraries
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.exhibitions import arrivals, selectors, services
from vitrina.exhibitions.forms import (
    ArrivalsForm,
    BookForm,
    DraftPostForm,
    ExhibitionForm,
    PostsForm,
    SectionForm,
)

SEARCH_RESULTS = 20
SERIES_POSTS_SHOWN = 100


def _exhibition_or_404(request, exhibition_id):
    exhibition = selectors.exhibition_get(membership=request.membership, pk=exhibition_id)
    if exhibition is None:
        raise Http404
    return exhibition


def _back(request, exhibition):
    return redirect(
        "exhibitions:detail", org=request.organisation.slug, exhibition_id=exhibition.pk
    )


def exhibition_list(request):
    return render(
        request,
        "exhibitions/exhibition_list.html",
        {
            "exhibitions": selectors.exhibition_list(membership=request.membership),
            "can_manage": rules.can_manage_catalogue(request.membership),
        },
    )


@require(rules.can_manage_catalogue)
def exhibition_edit(request, exhibition_id=None):
    exhibition = _exhibition_or_404(request, exhibition_id) if exhibition_id else None
    initial = {}
    if exhibition is not None:
        initial = {
            "title": exhibition.title,
            "slug": exhibition.slug,
            "annotation": exhibition.annotation,
            "library": exhibition.library_id,
        }
    form = ExhibitionForm(
        request.POST or None,
        initial=initial,
        libraries=organisation_libraries(organisation=request.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            exhibition = services.exhibition_save(
                organisation=request.organisation,
                actor=request.user,
                exhibition=exhibition,
                **form.cleaned_data,
            )
            messages.success(request, _("Saved."))
            return _back(request, exhibition)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request, "exhibitions/exhibition_form.html", {"form": form, "exhibition": exhibition}
    )


def exhibition_detail(request, exhibition_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    sections, loose = selectors.exhibition_sections(exhibition)
    query = request.GET.get("q", "").strip()[:200]
    found = []
    if query:
        found = catalog.record_list(
            membership=request.membership, filters=catalog.RecordFilter(q=query)
        )[:SEARCH_RESULTS]
    posts = []
    if exhibition.series_id:
        posts = series_posts(
            membership=request.membership, series=exhibition.series, limit=SERIES_POSTS_SHOWN
        )
    return render(
        request,
        "exhibitions/exhibition_detail.html",
        {
            "exhibition": exhibition,
            "posts": posts,
            "sections": sections,
            "loose": loose,
            "query": query,
            "found": found,
            "section_form": SectionForm(),
            "book_form": BookForm(sections=sections),
            "public_url": services.public_url(exhibition),
            "can_manage": rules.can_manage_catalogue(request.membership),
            "can_write": core_rules.can_write_posts(request.membership),
        },
    )


@require(rules.can_manage_catalogue)
@require_POST
def exhibition_publish(request, exhibition_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    published = request.POST.get("published") == "1"
    try:
        services.exhibition_publish(exhibition=exhibition, actor=request.user, published=published)
        messages.success(
            request,
            _("The public page is open.") if published else _("The public page is closed."),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(request, exhibition)


@require(rules.can_manage_catalogue)
@require_POST
def exhibition_delete(request, exhibition_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    services.exhibition_delete(exhibition=exhibition, actor=request.user)
    messages.success(request, _("The exhibition is deleted."))
    return redirect("exhibitions:list", org=request.organisation.slug)


@require(rules.can_manage_catalogue)
@require_POST
def section_save(request, exhibition_id, section_id=None):
    exhibition = _exhibition_or_404(request, exhibition_id)
    section = None
    if section_id is not None:
        section = selectors.section_get(exhibition=exhibition, pk=section_id)
        if section is None:
            raise Http404
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the section title."))
        return _back(request, exhibition)
    services.section_save(
        exhibition=exhibition,
        actor=request.user,
        section=section,
        title=form.cleaned_data["title"],
        position=form.cleaned_data["position"],
    )
    messages.success(request, _("Saved."))
    return _back(request, exhibition)


@require(rules.can_manage_catalogue)
@require_POST
def section_delete(request, exhibition_id, section_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    section = selectors.section_get(exhibition=exhibition, pk=section_id)
    if section is None:
        raise Http404
    services.section_delete(section=section, actor=request.user)
    messages.success(request, _("The section is deleted; its books stay on the exhibition."))
    return _back(request, exhibition)


def _section(exhibition, section_id):
    if section_id is None:
        return None
    section = selectors.section_get(exhibition=exhibition, pk=section_id)
    if section is None:
        raise ServiceError(_("Choose a section of this exhibition."), field="section")
    return section


@require(rules.can_manage_catalogue)
@require_POST
def book_add(request, exhibition_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    sections, _loose = selectors.exhibition_sections(exhibition)
    form = BookForm(request.POST, sections=sections)
    record = None
    record_id = request.POST.get("record")
    if record_id:
        record = catalog.record_get(
            membership=request.membership, pk=int(record_id) if record_id.isdigit() else 0
        )
        if record is None:
            raise Http404
    if not form.is_valid():
        messages.error(request, _("Check the book's fields."))
        return _back(request, exhibition)
    try:
        services.book_add(
            exhibition=exhibition,
            actor=request.user,
            section=_section(exhibition, form.cleaned_data["section"]),
            record=record,
            description=form.cleaned_data["description"],
            note=form.cleaned_data["note"],
            position=form.cleaned_data["position"],
        )
        messages.success(request, _("The book is added."))
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(request, exhibition)


@require(rules.can_manage_catalogue)
def book_edit(request, exhibition_id, book_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    book = selectors.book_get(exhibition=exhibition, pk=book_id)
    if book is None:
        raise Http404
    sections, _loose = selectors.exhibition_sections(exhibition)
    form = BookForm(
        request.POST or None,
        request.FILES or None,
        sections=sections,
        initial={
            "section": book.section_id,
            "description": book.description,
            "note": book.note,
            "position": book.position,
        },
    )
    if book.record_id:
        form.fields.pop("description")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.book_update(
                book=book,
                actor=request.user,
                section=_section(exhibition, data["section"]),
                note=data["note"],
                position=data["position"] or 0,
                description=data.get("description"),
            )
            if data["cover"]:
                services.book_cover_upload(
                    book=book,
                    actor=request.user,
                    data=data["cover"].read(),
                    name=data["cover"].name,
                )
            messages.success(request, _("Saved."))
            return _back(request, exhibition)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "exhibitions/book_form.html",
        {"form": form, "exhibition": exhibition, "book": book},
    )


@require(rules.can_manage_catalogue)
@require_POST
def book_delete(request, exhibition_id, book_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    book = selectors.book_get(exhibition=exhibition, pk=book_id)
    if book is None:
        raise Http404
    services.book_delete(book=book, actor=request.user)
    messages.success(request, _("The book is removed from the exhibition."))
    return _back(request, exhibition)


def book_cover(request, exhibition_id, book_id):
    exhibition = _exhibition_or_404(request, exhibition_id)
    book = selectors.book_get(exhibition=exhibition, pk=book_id)
    if book is None:
        raise Http404
    return _cover_response(request, book, cache_control="private, max-age=600")


@require(core_rules.can_write_posts)
def exhibition_posts(request, exhibition_id):
    """The series of posts: a preview of every post and its time, then the posts."""
    exhibition = _exhibition_or_404(request, exhibition_id)
    # The times are typed on the exhibition's library's clock, as in the calendar, and shown
    # as every time is: on that clock, labelled for a viewer whose clock differs.
    zone = timeplace.zone_of(exhibition)
    with timezone.override(timeplace.zone_info(zone)):
        outcome = _exhibition_posts(request, exhibition)
    if not isinstance(outcome, dict):
        return outcome
    outcome["form"].fields["starts_at"].help_text = _("Time zone: %(zone)s") % {
        "zone": timeplace.zone_name(zone)
    }
    return render(request, "exhibitions/exhibition_posts.html", outcome)


def _exhibition_posts(request, exhibition):
    channels = channel_list(membership=request.membership)
    tomorrow = timezone.localtime() + timedelta(days=1)
    ten = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0, tzinfo=None)
    form = PostsForm(request.POST or None, channels=channels, initial={"starts_at": ten})
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {
            "exhibition": exhibition,
            "channels": list(data["channels"]),
            "starts_at": data["starts_at"],
            "interval": timedelta(days=data["interval_days"]),
            "per_post": data["per_post"],
            "carousel": data["carousel"],
        }
        if "create" in request.POST:
            try:
                posts = services.exhibition_posts_create(
                    actor=request.user,
                    membership=request.membership,
                    schedule=data["schedule"],
                    **options,
                )
                messages.success(request, _("Posts written: %(count)s.") % {"count": len(posts)})
                return _back(request, exhibition)
            except ServiceError as error:
                apply_service_error(form, error)
        plan = services.series_plan(**options)
    return {"form": form, "exhibition": exhibition, "plan": plan}


# ---------------------------------------------------------------- new arrivals


def _arrivals_period(request):
    today = timezone.localdate()
    data = request.GET if "received_from" in request.GET else request.POST
    form = ArrivalsForm(
        data if "received_from" in data else None,
        initial={"received_from": today - timedelta(days=30), "received_to": today},
    )
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["received_from"], form.cleaned_data["received_to"]
    if form.is_bound:
        return form, None, None
    return form, today - timedelta(days=30), today


def arrival_list(request):
    """Records received in a period, by subject: a draft post, XLSX and DOCX."""
    form, start, end = _arrivals_period(request)
    groups, title = [], ""
    if start:
        records = arrivals.arrivals(
            membership=request.membership, received_from=start, received_to=end
        )[: arrivals.MAX_RECORDS]
        groups = arrivals.grouped(records)
        title = arrivals.title_for(start, end)
    file_format = request.GET.get("format")
    if groups and file_format in {"xlsx", "docx"}:
        filename = f"arrivals-{request.organisation.slug}-{start:%Y-%m-%d}-{end:%Y-%m-%d}"
        document = exports.document(
            arrivals.KEY, membership=request.membership, received_from=start, received_to=end
        )
        return formats.response(document, file_format, filename=filename)
    channels = channel_list(membership=request.membership)
    post_form = DraftPostForm(request.POST if request.method == "POST" else None, channels=channels)
    if request.method == "POST":
        if not core_rules.can_write_posts(request.membership):
            raise PermissionDenied
        if post_form.is_valid() and start:
            try:
                post = services.arrivals_post_create(
                    organisation=request.organisation,
                    actor=request.user,
                    channels=list(post_form.cleaned_data["channels"]),
                    groups=groups,
                    title=title,
                    scheduled_at=post_form.cleaned_data["scheduled_at"],
                )
                messages.success(request, _("The draft post is written."))
                return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
            except ServiceError as error:
                apply_service_error(post_form, error)
    return render(
        request,
        "exhibitions/arrival_list.html",
        {
            "form": form,
            "groups": groups,
            "count": sum(len(group.records) for group in groups),
            "title": title,
            "post_form": post_form,
            "period": {"received_from": start, "received_to": end},
            "can_write": core_rules.can_write_posts(request.membership),
        },
    )


# ---------------------------------------------------------------- public


def _public_or_404(org_slug, slug):
    exhibition = selectors.public_exhibition(org_slug=org_slug, slug=slug)
    if exhibition is None:
        raise Http404
    return exhibition


def public_page(request, org_slug, slug):
    """The exhibition for everyone, without logging in: published exhibitions only."""
    exhibition = _public_or_404(org_slug, slug)
    sections, loose = selectors.exhibition_sections(exhibition)
    for book in [*loose, *(book for section in sections for book in section.books.all())]:
        book.catalogue_link = services.catalogue_link(book, exhibition.library)
    response = render(
        request,
        "exhibitions/public.html",
        {
            "exhibition": exhibition,
            "sections": sections,
            "loose": loose,
            "public_url": services.public_url(exhibition),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def public_cover(request, org_slug, slug, book_id):
    exhibition = _public_or_404(org_slug, slug)
    book = selectors.public_book_get(exhibition=exhibition, pk=book_id)
    if book is None:
        raise Http404
    return _cover_response(request, book, cache_control="public, max-age=3600")


def _cover_response(request, book, *, cache_control: str):
    """The cover, or 304 Not Modified when the browser's copy (its ETag) is still right."""
    etag = f'"{services.book_cover_version(book)}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        data, content_type = services.book_cover(book)
        response = HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
