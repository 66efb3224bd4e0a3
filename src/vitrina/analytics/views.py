"""Pages of analytics: period reports and figures entered by hand."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vitrina.analytics import rules as analytics_rules
from vitrina.analytics import selectors
from vitrina.analytics.collect import collectable_channels
from vitrina.analytics.dashboard import FORMATS, Scope, build_dashboard, figure_posts
from vitrina.analytics.export import REPORT, footnote, report_document
from vitrina.analytics.forms import (
    DashboardForm,
    FiguresForm,
    FiguresImportForm,
    PostFiguresForm,
    PostFiguresImportForm,
    ReportForm,
    ReportWordingForm,
)
from vitrina.analytics.metrics import METRICS, REACTIONS_FORMULA
from vitrina.analytics.models import Source
from vitrina.analytics.report import build_report, post_link
from vitrina.analytics.services.account_figures import figures_enter, figures_import
from vitrina.analytics.services.collect_now import collect_now, next_allowed
from vitrina.analytics.services.post_figures import PostRow, post_figures_enter, post_figures_import
from vitrina.analytics.services.reports import report_save, report_wording_save
from vitrina.analytics.services.snapshots import AccountFigures
from vitrina.channels.networks import ConnectionState
from vitrina.channels.selectors import channel_list
from vitrina.content.selectors import rubric_list, series_list
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import registry
from vitrina.core.exports.formats import response
from vitrina.core.exports.html import page_sections
from vitrina.core.exports.sections import Meta
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.exhibitions.selectors import exhibition_list

EXPORTS = REPORT.formats
DASHBOARD = "analytics.dashboard"  # the key other modules contribute dashboard blocks to


def _report_or_404(request, report_id):
    report = selectors.report_get(membership=request.membership, pk=report_id)
    if report is None:
        raise Http404
    return report


def report_list(request):
    return render(
        request,
        "analytics/report_list.html",
        {
            "reports": selectors.report_list(membership=request.membership),
            "can_edit": analytics_rules.can_edit_reports(request.membership),
        },
    )


def _wording_initial(report) -> dict:
    return {
        "conclusions": report.conclusions,
        "signer_position": report.signer_position,
        "signer_name": report.signer_name,
    }


def report_detail(request, report_id):
    report = _report_or_404(request, report_id)
    can_edit = analytics_rules.can_edit_reports(request.membership)
    wording = ReportWordingForm(request.POST or None, initial=_wording_initial(report))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if wording.is_valid():
            report_wording_save(report=report, actor=request.user, **wording.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("analytics:report", org=request.organisation.slug, report_id=report.pk)
    document = report_document(build_report(report), conclusions=False)
    return render(
        request,
        "analytics/report_detail.html",
        {
            "report": report,
            "sections": page_sections(document),
            "can_edit": can_edit,
            "wording": wording,
        },
        status=400 if wording.errors else 200,
    )


def report_export(request, report_id, fmt):
    report = _report_or_404(request, report_id)
    document = registry.document(REPORT.key, membership=request.membership, report=report)
    filename = f"report-{report.pk}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
    return response(document, fmt, filename=filename, allowed=REPORT.formats)


@require(analytics_rules.can_edit_reports)
def report_edit(request, report_id=None):
    report = _report_or_404(request, report_id) if report_id else None
    initial = {}
    if report is not None:
        initial = {
            "title": report.title,
            "date_from": report.date_from,
            "date_to": report.date_to,
            "library": report.library,
            "tag": report.tag,
            "growth_since": report.growth_since,
            "conclusions": report.conclusions,
            "signer_position": report.signer_position,
            "signer_name": report.signer_name,
        }
    form = ReportForm(
        request.POST or None,
        initial=initial,
        libraries=library_list(membership=request.membership),
        organisation=request.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = report_save(
                organisation=request.organisation,
                actor=request.user,
                report=report,
                **form.cleaned_data,
            )
            messages.success(request, _("Saved."))
            return redirect("analytics:report", org=request.organisation.slug, report_id=report.pk)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "analytics/report_form.html", {"form": form, "report": report})


def _channel_or_404(request, channel_id):
    channel = selectors.channel_for_figures(membership=request.membership, pk=channel_id)
    if channel is None:
        raise Http404
    return channel


def channel_figures(request, channel_id):
    channel = _channel_or_404(request, channel_id)
    can_enter = rules.can_manage_channels(request.membership)
    form = FiguresForm(prefix="day", zone=channel.timezone)
    upload = FiguresImportForm(prefix="file")
    if request.method == "POST":
        if not can_enter:
            raise Http404
        if "file-file" in request.FILES:
            upload = FiguresImportForm(request.POST, request.FILES, prefix="file")
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                try:
                    result = figures_import(
                        channel=channel, actor=request.user, data=file.read(), filename=file.name
                    )
                    messages.success(
                        request, _("Days imported: %(count)s.") % {"count": result.imported}
                    )
                    for number, error in result.errors:
                        messages.error(
                            request, _("Row %(row)s: %(error)s") % {"row": number, "error": error}
                        )
                    return _back(request, channel)
                except ServiceError as error:
                    apply_service_error(upload, error)
        else:
            form = FiguresForm(request.POST, prefix="day", zone=channel.timezone)
            if form.is_valid():
                try:
                    figures_enter(
                        channel=channel,
                        actor=request.user,
                        figures=AccountFigures(**form.cleaned_data),
                    )
                    messages.success(request, _("Saved."))
                    return _back(request, channel)
                except ServiceError as error:
                    apply_service_error(form, error)
    return render(
        request,
        "analytics/channel_figures.html",
        {
            "channel": channel,
            "snapshots": selectors.recent_figures(channel),
            "form": form,
            "upload": upload,
            "can_enter": can_enter,
            **_collect_context(request, channel),
        },
    )


def _back(request, channel, name="analytics:figures"):
    return redirect(name, org=request.organisation.slug, channel_id=channel.pk)


def channel_post_figures(request, channel_id):
    """Posts' figures by hand or from a table, where the network gives none."""
    channel = _channel_or_404(request, channel_id)
    can_enter = rules.can_manage_channels(request.membership)
    zone = channel.organisation.timezone
    form = PostFiguresForm(prefix="post", zone=zone)
    upload = PostFiguresImportForm(prefix="file")
    back = "analytics:post-figures"
    if request.method == "POST":
        if not can_enter:
            raise Http404
        if "file-file" in request.FILES:
            upload = PostFiguresImportForm(request.POST, request.FILES, prefix="file")
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                try:
                    result = post_figures_import(
                        channel=channel, actor=request.user, data=file.read(), filename=file.name
                    )
                    messages.success(
                        request,
                        _("Posts imported: %(count)s, of them Vitrina's: %(matched)s.")
                        % {"count": result.imported, "matched": result.matched},
                    )
                    for number, error in result.errors:
                        messages.error(
                            request, _("Row %(row)s: %(error)s") % {"row": number, "error": error}
                        )
                    return _back(request, channel, back)
                except ServiceError as error:
                    apply_service_error(upload, error)
        else:
            form = PostFiguresForm(request.POST, prefix="post", zone=zone)
            if form.is_valid():
                try:
                    post_figures_enter(
                        channel=channel, actor=request.user, row=PostRow(**form.cleaned_data)
                    )
                    messages.success(request, _("Saved."))
                    return _back(request, channel, back)
                except ServiceError as error:
                    apply_service_error(form, error)
    return render(
        request,
        "analytics/post_figures.html",
        {
            "channel": channel,
            "posts": selectors.recent_post_figures(channel),
            "form": form,
            "upload": upload,
            "can_enter": can_enter,
        },
    )


SCOPE_FIELDS = ("date_from", "date_to", "library", "channel", "rubric", "series", "exhibition")
POSTS_PER_PAGE = 50


def _dashboard_scope(request) -> tuple[DashboardForm, Scope, QueryDict]:
    """The filter form, the scope it chooses and its query without the growth dates: the
    base of every link from a figure to its posts or to a narrower dashboard."""
    membership = request.membership
    today = timezone.localdate()
    form = DashboardForm(
        request.GET or None,
        libraries=library_list(membership=membership),
        channels=channel_list(membership=membership).select_related(None),
        rubrics=rubric_list(membership=membership),
        series=series_list(membership=membership),
        exhibitions=exhibition_list(membership=membership),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("exhibition") and not data.get("date_from") and not data.get("date_to"):
        # An exhibition's figures by default over the days its posts came out.
        span = selectors.exhibition_days(
            exhibition=data["exhibition"], zone=request.organisation.timezone
        )
        if span is not None:
            data = {**data, "date_from": span[0], "date_to": max(span[1], today)}
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or date_to - timedelta(days=29)

    def chosen(name):
        return data[name].pk if data.get(name) else None

    scope = Scope(
        date_from=date_from,
        date_to=date_to,
        library_id=chosen("library"),
        channel_id=chosen("channel"),
        rubric_id=chosen("rubric"),
        series_id=chosen("series"),
        exhibition_id=chosen("exhibition"),
        growth_from=data.get("growth_from"),
        growth_to=data.get("growth_to"),
    )
    query = QueryDict(mutable=True)
    query.update({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
    for name in SCOPE_FIELDS[2:]:
        if chosen(name):
            query[name] = chosen(name)
    return form, scope, query


def _link(request, name: str, query: QueryDict, **changes) -> str:
    changed = query.copy()
    for key, value in changes.items():
        changed[key] = value
    return f"{reverse(name, kwargs={'org': request.organisation.slug})}?{changed.urlencode()}"


def _linker(request, name: str, query: QueryDict):
    """Links to one page for many rows: the address and the base query made once, each row
    adding its own key (never one the base already has)."""
    path = reverse(name, kwargs={"org": request.organisation.slug})
    base = query.urlencode()

    def link(**changes) -> str:
        extra = "&".join(f"{key}={value}" for key, value in changes.items() if key not in query)
        narrowed = {key: value for key, value in changes.items() if key in query}
        if narrowed:
            return _link(request, name, query, **changes)
        return f"{path}?{base}&{extra}" if extra else f"{path}?{base}"

    return link


def dashboard(request):
    form, scope, query = _dashboard_scope(request)
    board = build_dashboard(request.membership, scope)
    # Blocks other modules add (the strategy's clicks of short links), through the export
    # registry: this module imports none of them.
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    added = page_sections(
        registry.contributed(
            DASHBOARD,
            Meta(
                organisation=request.organisation,
                library=chosen.get("library"),
                date_from=scope.date_from,
                date_to=scope.date_to,
            ),
        )
    )

    posts = _linker(request, "analytics:posts", query)
    narrower = _linker(request, "analytics:dashboard", query)

    # Every figure leads to the posts behind it or to the dashboard of its part.
    for row in board.rubrics:
        row["url"] = narrower(rubric=row["rubric"].pk)
    for row in board.series:
        row["url"] = narrower(series=row["series"])
    for row in [*board.formats, *([board.people] if board.people else [])]:
        row["url"] = posts(kind=row["format"])
    for row in board.libraries:
        row["url"] = narrower(library=row["library"].pk)
    for line in board.heatmap["rows"]:
        line["name"] = WEEKDAYS[line["weekday"]]
        for cell in line["cells"]:
            if cell["posts"]:
                cell["url"] = posts(weekday=line["weekday"], hour=cell["hour"])
    chart = {
        "days": [row["day"].isoformat() for row in board.daily],
        "followers": [row["followers"] for row in board.daily],
        "visitors": [row["visitors"] for row in board.daily],
        "weeks": [row["week"].date().isoformat() for row in board.weekly],
        "posts": [row["posts"] for row in board.weekly],
        "views": [row["views"] for row in board.weekly],
        "labels": {
            "followers": _("Subscribers"),
            "visitors": _("Visitors"),
            "posts": _("Posts"),
            "views": _("Views"),
        },
    }
    metrics = [
        {
            "metric": metric,
            "current": board.current.get(metric.key),
            "previous": board.previous.get(metric.key),
            "marked": metric.key in board.marked,
            "previous_marked": metric.key in board.previous_marked,
        }
        for metric in METRICS
        if metric.key != "subscriber_reach" or "subscriber_reach" in board.current
    ]
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "board": board,
            "added": added,
            "chart": chart,
            "metrics": metrics,
            "posts_url": posts(),
            "reactions_formula": REACTIONS_FORMULA,
            "collect_every": settings.COLLECT_INTERVAL_MINUTES,
            "partial_days": any(row["partial"] is not None for row in board.daily),
            **_collect_context(
                request,
                next((c for c in board.channels if c.pk == scope.channel_id), None)
                if scope.channel_id
                else None,
                whole=not scope.channel_id,
            ),
            "footnote": footnote(),
            "has_marks": bool(board.marked or board.previous_marked)
            or any(row.get("marked") for row in [*board.rubrics, *board.series])
            or any(row.get("marked") for row in [*board.formats, *board.libraries]),
        },
    )


def _collect_context(request, channel=None, *, whole: bool = False) -> dict:
    """Where «Собрать сейчас» posts for the page, if the person may ask and there is a
    connected channel to read."""
    if not analytics_rules.can_collect_now(request.membership):
        return {}
    slug = request.organisation.slug
    if channel is not None and channel.connection_state == ConnectionState.CONNECTED:
        url = reverse("analytics:collect-channel", kwargs={"org": slug, "channel_id": channel.pk})
    elif whole:
        url = reverse("analytics:collect", kwargs={"org": slug})
    else:
        return {}
    return {"collect_url": url, "collect_now_minutes": settings.COLLECT_NOW_MINUTES}


def _back_to(request, default: str) -> str:
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _tell_collected(request, outcome) -> None:
    """The outcome in plain words: what was read, what went to the workers, what was
    asked for too recently (and when it may be asked again)."""
    zone = ZoneInfo(request.organisation.timezone)
    for channel, asked_at in outcome.too_soon:
        messages.warning(
            request,
            _("«%(channel)s» was collected at %(at)s; it can be collected again from %(again)s.")
            % {
                "channel": channel.name,
                "at": asked_at.astimezone(zone).strftime("%H:%M"),
                "again": next_allowed(asked_at).astimezone(zone).strftime("%H:%M"),
            },
        )
    for channel, result in outcome.read:
        why = SKIPPED_NOW.get(result.skipped)
        detail = f" ({'; '.join(result.notes)})" if result.notes else ""
        if why and (result.days or result.posts):
            messages.warning(
                request,
                _("«%(channel)s» collected in part: days read %(days)s, posts read %(posts)s; ")
                % {"channel": channel.name, "days": result.days, "posts": result.posts}
                + f"{why}{detail}",
            )
        elif why:
            messages.error(request, f"«{channel.name}»: {why}{detail}")
        else:
            messages.success(
                request,
                _("«%(channel)s» collected: days read %(days)s, posts read %(posts)s.")
                % {"channel": channel.name, "days": result.days, "posts": result.posts},
            )
    if outcome.left:
        messages.info(
            request,
            ngettext(
                "%(count)s more channel is read by the next round of collection.",
                "%(count)s more channels are read by the next round of collection.",
                len(outcome.left),
            )
            % {"count": len(outcome.left)},
        )
    if outcome.queued:
        messages.success(
            request,
            ngettext(
                "Collecting %(count)s channel now; its figures appear here in a minute or two.",
                "Collecting %(count)s channels now; their figures appear here in a minute or two.",
                len(outcome.queued),
            )
            % {"count": len(outcome.queued)},
        )


SKIPPED_NOW = {
    "rate_limited": gettext_lazy("the network's request limit was reached; try again later."),
    "needs_reconnect": gettext_lazy(
        "the network no longer accepts the channel's token; reconnect the channel."
    ),
    "rejected": gettext_lazy("the network refused."),
    "failed": gettext_lazy("the network did not answer; try again later."),
}


def _collect(request, channels, back: str):
    outcome = collect_now(
        organisation=request.organisation,
        actor=request.user,
        channels=channels,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    _tell_collected(request, outcome)
    return redirect(_back_to(request, back))


@require_POST
@require(analytics_rules.can_collect_now)
def collect_channel_now(request, channel_id):
    """«Собрать сейчас» for one channel."""
    channel = _channel_or_404(request, channel_id)
    back = reverse(
        "analytics:figures", kwargs={"org": request.organisation.slug, "channel_id": channel.pk}
    )
    if not collectable_channels().filter(pk=channel.pk).exists():
        messages.error(
            request,
            _("«%(channel)s» is not connected to its network: there is nothing to collect.")
            % {"channel": channel.name},
        )
        return redirect(_back_to(request, back))
    return _collect(request, [channel], back)


@require_POST
@require(analytics_rules.can_collect_now)
def collect_organisation_now(request):
    """«Собрать сейчас» for every connected channel the person sees."""
    back = reverse("analytics:dashboard", kwargs={"org": request.organisation.slug})
    channels = list(selectors.collectable_channels_of(membership=request.membership))
    if not channels:
        messages.error(
            request, _("No channel is connected to its network: there is nothing to collect.")
        )
        return redirect(_back_to(request, back))
    return _collect(request, channels, back)


def _number(value: str, low: int, high: int) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def dashboard_posts(request):
    """The posts behind a figure of the dashboard, for its scope and period, a page at a
    time: a link to each on the network and to Vitrina's post where Vitrina made it."""
    form, scope, query = _dashboard_scope(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in FORMATS else ""
    weekday = _number(request.GET.get("weekday", ""), 1, 7)
    hour = _number(request.GET.get("hour", ""), 0, 23)
    page = Paginator(
        figure_posts(request.membership, scope, kind=kind, weekday=weekday, hour=hour),
        POSTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    for snapshot in page.object_list:
        snapshot.link = post_link(snapshot.channel, snapshot.external_id, snapshot.variant)
    filters = query.copy()
    for name, value in (("kind", kind), ("weekday", weekday), ("hour", hour)):
        if value not in ("", None):
            filters[name] = value
    return render(
        request,
        "analytics/dashboard_posts.html",
        {
            "form": form,
            "scope": scope,
            "page": page,
            "kind": kind,
            "weekday": WEEKDAYS.get(weekday),
            "hour": hour,
            "filters": filters.urlencode(),
            "back": _link(request, "analytics:dashboard", query),
            "footnote": footnote(),
            "has_marks": any(s.source != Source.NETWORK for s in page.object_list),
            "reactions_formula": REACTIONS_FORMULA,
        },
    )


WEEKDAYS = {
    1: gettext_lazy("Mon"),
    2: gettext_lazy("Tue"),
    3: gettext_lazy("Wed"),
    4: gettext_lazy("Thu"),
    5: gettext_lazy("Fri"),
    6: gettext_lazy("Sat"),
    7: gettext_lazy("Sun"),
}
