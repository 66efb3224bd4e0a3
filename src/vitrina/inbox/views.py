"""Pages of the shared inbox."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.channels.selectors import channel_list
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import registry
from vitrina.core.exports.formats import response
from vitrina.core.paging import uncounted_page
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.inbox import reference, selectors
from vitrina.inbox.canned import canned_render
from vitrina.inbox.exports import INQUIRIES
from vitrina.inbox.forms import (
    CannedForm,
    InquiryAnswerForm,
    InquiryForm,
    NoteForm,
    PeriodForm,
    ReplyForm,
    ThreadFilterForm,
    ThreadForm,
)
from vitrina.inbox.models import Delivery, Direction, ThreadKind
from vitrina.inbox.response import (
    duration_text,
    first_answer_figures,
    is_overdue,
    overdue_cutoff,
)
from vitrina.inbox.rules import is_senior
from vitrina.inbox.services import canned, inquiries, replies, threads

PAGE_SIZE = 30


def _filters(request):
    membership = request.membership
    form = ThreadFilterForm(
        request.GET or None,
        libraries=library_list(membership=membership),
        channels=channel_list(membership=membership),
        members=selectors.answerers(membership),
    )
    filters = selectors.ThreadFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ThreadFilter(
            network=data["network"],
            library_id=data["library"].pk if data["library"] else None,
            channel_id=data["channel"].pk if data["channel"] else None,
            status=data["status"],
            assignee_id=data["assignee"].pk if data["assignee"] else None,
            unread=data["unread"],
            tag=data["tag"],
            overdue=data["overdue"],
            flagged=data["flagged"],
        )
    return form, filters


@require(rules.can_answer_readers)
def thread_list(request):
    form, filters = _filters(request)
    found = selectors.thread_list(membership=request.membership, filters=filters)
    page = uncounted_page(found, PAGE_SIZE, request.GET.get("page"))
    cutoff = overdue_cutoff(request.organisation.answer_working_days)
    for thread in page.object_list:
        thread.overdue = is_overdue(thread, cutoff)
    selectors.threads_describe(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inbox/thread_list.html",
        {
            "page": page,
            "threads": page.object_list,
            "filter_form": form,
            "filtered": filters != selectors.ThreadFilter(),
            "can_manage_channels": rules.can_manage_channels(request.membership),
            "query": query.urlencode(),
        },
    )


def _thread_or_404(request, thread_id):
    thread = selectors.thread_get(membership=request.membership, pk=thread_id)
    if thread is None:
        raise Http404
    return thread


def _reader_comments(thread, thread_messages=None):
    """The readers' comments a reply may go under (comment threads only)."""
    if thread.kind != ThreadKind.COMMENT:
        return None
    if thread_messages is None:
        thread_messages = selectors.thread_messages(thread)
    return [message for message in thread_messages if message.direction == Direction.IN]


def _thread_page(request, thread, *, reply_form=None, thread_form=None, note_form=None, status=200):
    members = selectors.answerers(request.membership, thread.channel.library)
    thread.overdue = is_overdue(thread, overdue_cutoff(request.organisation.answer_working_days))
    answers = selectors.canned_list(request.membership)
    canned_texts = {
        str(answer.pk): canned_render(answer.text, thread=thread, membership=request.membership)
        for answer in answers
    }
    thread_messages = list(selectors.thread_messages(thread))
    variant = selectors.commented_variant(thread)
    if variant is not None:
        thread.post_title = selectors.variant_title(variant)
    negative_authors = []
    for message in thread_messages:
        negative = message.direction == Direction.IN and message.negative
        if negative and message.author_label not in negative_authors:
            negative_authors.append(message.author_label)
    return render(
        request,
        "inbox/thread_detail.html",
        {
            "thread": thread,
            "thread_messages": thread_messages,
            "negative_authors": negative_authors,
            "other_threads": selectors.reader_other_threads(
                membership=request.membership, thread=thread
            ),
            "variant": variant,
            "reply_form": reply_form
            or ReplyForm(
                canned=answers if canned_texts else None,
                comments=_reader_comments(thread, thread_messages),
            ),
            "canned_texts": canned_texts,
            "note_form": note_form or NoteForm(),
            "first_answer_in": duration_text(
                thread.first_answer_at - thread.first_inbound_at if thread.first_answer_at else None
            ),
            "thread_form": thread_form
            or ThreadForm(
                members=members,
                initial={
                    "status": thread.status,
                    "assignee": thread.assignee_id,
                    "tags": selectors.thread_tag_names(thread),
                    "flagged": thread.flagged,
                },
            ),
            "failed": Delivery.FAILED,
            "note": Direction.NOTE,
        },
        status=status,
    )


@require(rules.can_answer_readers)
def thread_detail(request, thread_id):
    thread = _thread_or_404(request, thread_id)
    threads.thread_mark_read(thread=thread)
    return _thread_page(request, thread)


@require_POST
@require(rules.can_answer_readers)
def thread_reply(request, thread_id):
    thread = _thread_or_404(request, thread_id)
    form = ReplyForm(
        request.POST,
        canned=selectors.canned_list(request.membership),
        comments=_reader_comments(thread),
    )
    if form.is_valid():
        text = form.cleaned_data["text"].strip()
        if not text and form.cleaned_data.get("canned"):
            text = canned_render(
                form.cleaned_data["canned"].text, thread=thread, membership=request.membership
            )
        try:
            message = replies.reply_send(
                thread=thread,
                membership=request.membership,
                text=text,
                answering=form.cleaned_data.get("reply_to"),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            if message.delivery == Delivery.FAILED:
                messages.error(
                    request,
                    _("The answer was not delivered: %(reason)s") % {"reason": message.failure},
                )
            else:
                messages.success(request, _("The answer is sent."))
            return redirect("inbox:thread", org=request.organisation.slug, thread_id=thread.pk)
    return _thread_page(request, thread, reply_form=form, status=400)


@require_POST
@require(rules.can_answer_readers)
def message_retry(request, thread_id, message_id):
    thread = _thread_or_404(request, thread_id)
    message = selectors.message_get(membership=request.membership, thread=thread, pk=message_id)
    if message is None:
        raise Http404
    try:
        message = replies.reply_retry(message=message, membership=request.membership)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        inquiries.inquiries_settle(message)
        if message.delivery == Delivery.FAILED:
            messages.error(
                request,
                _("The answer was not delivered: %(reason)s") % {"reason": message.failure},
            )
        else:
            messages.success(request, _("The answer is sent."))
    return redirect("inbox:thread", org=request.organisation.slug, thread_id=thread.pk)


@require_POST
@require(rules.can_answer_readers)
def thread_change(request, thread_id):
    thread = _thread_or_404(request, thread_id)
    form = ThreadForm(
        request.POST, members=selectors.answerers(request.membership, thread.channel.library)
    )
    if form.is_valid():
        try:
            threads.thread_update(
                thread=thread,
                membership=request.membership,
                status=form.cleaned_data["status"],
                assignee=form.cleaned_data["assignee"],
                tags=form.cleaned_data["tags"],
                flagged=form.cleaned_data["flagged"] if is_senior(request.membership) else None,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The conversation is updated."))
            return redirect("inbox:thread", org=request.organisation.slug, thread_id=thread.pk)
    return _thread_page(request, thread, thread_form=form, status=400)


@require(rules.can_answer_readers)
def unread(request):
    """Conversations with unread messages, for the count next to «Inbox» in the navigation."""
    return JsonResponse({"count": selectors.unread_count(request.membership)})


@require_POST
@require(rules.can_answer_readers)
def thread_note(request, thread_id):
    thread = _thread_or_404(request, thread_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            threads.note_add(
                thread=thread, membership=request.membership, text=form.cleaned_data["text"]
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("inbox:thread", org=request.organisation.slug, thread_id=thread.pk)
    return _thread_page(request, thread, note_form=form, status=400)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _period_links(today: date) -> list[tuple[str, date, date]]:
    this_month = _month_start(today)
    last_month_end = this_month - timedelta(days=1)
    return [
        (_("This month"), this_month, today),
        (_("Previous month"), _month_start(last_month_end), last_month_end),
        (_("This year"), today.replace(month=1, day=1), today),
        (_("Previous year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


@require(rules.can_answer_readers)
def response_times(request):
    today = timezone.localdate()
    form = PeriodForm(
        request.GET if "date_from" in request.GET or "date_to" in request.GET else None,
        initial={"date_from": _month_start(today), "date_to": today},
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    else:
        start, end = _month_start(today), today
    started = selectors.threads_started_between(
        request.membership, start, end, zone=timezone.get_current_timezone()
    )
    overall, per_member = first_answer_figures(started)
    return render(
        request,
        "inbox/response_times.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "links": _period_links(today),
            "overall": overall,
            "per_member": per_member,
            "overdue": selectors.overdue_count(request.membership),
            "working_days": request.organisation.answer_working_days,
        },
        status=400 if form.errors else 200,
    )


@require(rules.can_answer_readers)
def canned_list(request):
    return render(
        request,
        "inbox/canned_list.html",
        {"answers": selectors.canned_list(request.membership)},
    )


@require(rules.can_answer_readers)
def canned_edit(request, canned_id=None):
    answer = None
    if canned_id is not None:
        answer = selectors.canned_get(membership=request.membership, pk=canned_id)
        if answer is None:
            raise Http404
    initial = {"title": answer.title, "text": answer.text} if answer else None
    form = CannedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            canned.canned_save(membership=request.membership, answer=answer, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The canned answer is saved."))
            return redirect("inbox:canned", org=request.organisation.slug)
    return render(
        request,
        "inbox/canned_form.html",
        {"form": form, "answer": answer},
        status=400 if form.errors else 200,
    )


@require_POST
@require(rules.can_answer_readers)
def canned_remove(request, canned_id):
    answer = selectors.canned_get(membership=request.membership, pk=canned_id)
    if answer is None:
        raise Http404
    canned.canned_delete(membership=request.membership, answer=answer)
    messages.success(request, _("The canned answer is deleted."))
    return redirect("inbox:canned", org=request.organisation.slug)


@require(rules.can_answer_readers)
def inquiry_create(request, thread_id, message_id):
    thread = _thread_or_404(request, thread_id)
    message = selectors.message_get(membership=request.membership, thread=thread, pk=message_id)
    if message is None or message.direction != Direction.IN:
        raise Http404
    form = InquiryForm(
        request.POST or None,
        initial={
            "kind": reference.suggest_kind(message.text),
            "topic": reference.suggest_topic(message.text),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = inquiries.inquiry_create(
                message=message, membership=request.membership, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return redirect("inbox:inquiry", org=request.organisation.slug, inquiry_id=inquiry.pk)
    return render(
        request,
        "inbox/inquiry_create.html",
        {"thread": thread, "question": message, "form": form},
        status=400 if form.errors else 200,
    )


@require(rules.can_answer_readers)
def inquiry_detail(request, inquiry_id):
    inquiry = selectors.inquiry_get(membership=request.membership, pk=inquiry_id)
    if inquiry is None:
        raise Http404
    form = InquiryAnswerForm(request.POST or None, initial={"kind": inquiry.kind})
    if request.method == "POST" and not inquiry.answered_at and form.is_valid():
        try:
            inquiry = inquiries.inquiry_answer(
                inquiry=inquiry, membership=request.membership, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            if inquiry.answered_at:
                messages.success(request, _("The answer is sent to the reader."))
            else:
                messages.error(
                    request,
                    _("The answer was not delivered: %(reason)s")
                    % {"reason": inquiry.answer_message.failure},
                )
            return redirect(
                "inbox:thread", org=request.organisation.slug, thread_id=inquiry.thread_id
            )
    return render(
        request,
        "inbox/inquiry_detail.html",
        {"inquiry": inquiry, "form": form},
        status=400 if form.errors else 200,
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require(rules.can_answer_readers)
def inquiry_report(request):
    year = _year(request)
    return render(
        request,
        "inbox/inquiry_report.html",
        {
            "year": year,
            "counts": reference.inquiry_counts(
                selectors.inquiry_list(request.membership), year=year
            ),
            "recent": selectors.inquiry_recent(request.membership),
        },
    )


@require(rules.can_answer_readers)
def inquiry_export(request):
    year = _year(request)
    document = registry.document(INQUIRIES, membership=request.membership, year=year)
    filename = f"reference-inquiries-{request.organisation.slug}-{year}"
    return response(document, "xlsx", filename=filename, allowed=registry.get(INQUIRIES).formats)
