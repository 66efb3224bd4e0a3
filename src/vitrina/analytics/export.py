"""The period report as a document of the export layer, and its files: XLSX (with a native
chart of the months), DOCX and CSV, and the report's page.

Every format writes the same sections. A figure that includes days or posts entered by hand
or imported carries an asterisk and the section a footnote (the CSV a source column
instead); the best materials link to the posts on the networks. Other modules add their
own sections through the registry (the inbox: the reference inquiries answered).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.analytics.report import ReportData, build_report
from vitrina.core.exports import registry
from vitrina.core.exports.formats import write
from vitrina.core.exports.sections import (
    CSV,
    DOCX,
    XLSX,
    Cell,
    Chart,
    Column,
    Document,
    Kind,
    Meta,
    Paragraphs,
    Section,
    Table,
)

MARK = "*"
KEY = "analytics.report"
CSV_ONLY = frozenset({CSV})


def footnote() -> str:
    return _("%(mark)s Entered by hand or imported from a file, not read from the network.") % {
        "mark": MARK
    }


def _marked(value, marked: bool):
    return Cell(value, marked=True) if marked else value


def _source(marked: set[str], labels: dict[str, str]) -> str:
    named = [label for name, label in labels.items() if name in marked]
    if not named:
        return _("From the network")
    return _("Entered by hand or imported: %(figures)s") % {"figures": ", ".join(named)}


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _factor(value) -> str:
    return f"×{value:.1f}".replace(".", ",") if value is not None else ""


def _count(title: str) -> Column:
    return Column(title, Kind.INTEGER)


def _table(heading: str, columns: list[Column], rows: list[list], **options) -> Table:
    return Table(
        heading=heading,
        columns=columns,
        rows=rows,
        empty=_("Nothing in this period."),
        mark_hint=_("Entered by hand or imported from a file"),
        **options,
    )


def _channels(data: ReportData, note: str) -> Table:
    report = data.report
    labels = {"posts": _("Posts"), "followers": _("Friends / subscribers"), "visits": _("Visits")}
    rows = [
        [
            row.network,
            f"{row.channel.name}\n{row.address}".strip(),
            row.created_on,
            _marked(row.posts, "posts" in row.marked),
            _marked(row.posts_per_week, "posts" in row.marked),
            _marked(row.followers, "followers" in row.marked),
            _marked(row.visits, "visits" in row.marked),
            "; ".join(row.content_types),
            _source(row.marked, labels),
        ]
        for row in data.channels
    ]
    marked = any(row.marked & labels.keys() for row in data.channels)
    return _table(
        _("Table 1. The library in the virtual space, %(from)s – %(to)s")
        % {"from": _day(report.date_from), "to": _day(report.date_to)},
        [
            Column(_("Network"), width=16),
            Column(_("Account and address"), width=40, wrap=True),
            Column(_("Date created"), Kind.DATE, width=14),
            _count(_("Posts")),
            Column(_("Posts a week"), Kind.DECIMAL),
            _count(_("Friends / subscribers")),
            _count(_("Visits")),
            Column(_("Content types"), width=40, wrap=True),
            Column(_("Source"), only=CSV_ONLY),
        ],
        rows,
        note=note if marked else "",
    )


TOTALS = (
    "posts",
    "friends_added",
    "subscribers_added",
    "views",
    "likes",
    "reposts",
    "comments",
    "visits",
)


def _networks(data: ReportData, note: str) -> Table:
    labels = {
        "posts": _("Posts"),
        "friends_added": _("Friends added"),
        "subscribers_added": _("Subscribers added"),
        "views": _("Views"),
        "likes": _("Likes"),
        "reposts": _("Reposts"),
        "comments": _("Comments"),
        "visits": _("Visits"),
    }
    rows = [
        [
            item.label,
            *(_marked(getattr(item, name), name in item.marked) for name in TOTALS),
            _marked(item.visitors_per_day, "visitors_per_day" in item.marked),
            _source(item.marked, labels),
        ]
        for item in data.networks
    ]
    return _table(
        _("Totals by network"),
        [
            Column(_("Network"), width=16),
            *(_count(labels[name]) for name in TOTALS),
            Column(_("Visitors a day"), Kind.DECIMAL),
            Column(_("Source"), only=CSV_ONLY),
        ],
        rows,
        note=note if any(item.marked for item in data.networks) else "",
    )


def _series(data: ReportData) -> Table:
    rows = [[item.name, item.posts, item.views, item.likes, item.reposts] for item in data.series]
    if data.series:
        total = data.series_total
        rows.append([_("Total"), total.posts, total.views, total.likes, total.reposts])
    return _table(
        _("Virtual exhibitions and projects"),
        [
            Column(_("Series"), width=40, wrap=True),
            *(_count(title) for title in (_("Posts"), _("Views"), _("Likes"), _("Reposts"))),
        ],
        rows,
        total=bool(data.series),
    )


def _best(data: ReportData) -> Table:
    rows = [
        [
            Cell(row.title, link=row.url) if row.url else row.title,
            row.channel,
            row.published_at,
            row.views,
            row.likes,
            row.reposts,
            row.comments,
        ]
        for row in data.best
    ]
    return _table(
        _("Best materials"),
        [
            Column(_("Post"), Kind.LINK, width=40, wrap=True),
            Column(_("Channel")),
            Column(_("Published"), Kind.DATE, width=14),
            *(_count(title) for title in (_("Views"), _("Likes"), _("Reposts"), _("Comments"))),
        ],
        rows,
    )


def _growth(data: ReportData) -> Table:
    rows = [
        [
            row.channel,
            row.day_from,
            row.followers_from,
            row.day_to,
            row.followers_to,
            _factor(row.factor),
        ]
        for row in data.growth
    ]
    return _table(
        _("Growth of subscribers"),
        [
            Column(_("Channel")),
            Column(_("From"), Kind.DATE, width=14),
            _count(_("Subscribers")),
            Column(_("To"), Kind.DATE, width=14),
            _count(_("Subscribers")),
            Column(_("Growth")),
        ],
        rows,
    )


def _months(data: ReportData) -> Table:
    return _table(
        _("Posts and views by month"),
        [Column(_("Month")), _count(_("Posts")), _count(_("Views"))],
        [list(month) for month in data.months],
        chart=Chart(title=_("Views by month"), values=(2,), categories=0, y_title=_("Views")),
    )


def report_meta(data: ReportData) -> Meta:
    report = data.report
    return Meta(
        organisation=report.organisation,
        library=report.library,
        date_from=report.date_from,
        date_to=report.date_to,
    )


def report_document(data: ReportData, *, conclusions: bool = True) -> Document:
    """The report's sections, the other modules' after the analytics' own, then the
    conclusions (a page shows those in its own way: ``conclusions=False``)."""
    report = data.report
    meta = report_meta(data)
    note = footnote() if data.has_marks else ""
    sections: list[Section] = [
        _channels(data, note),
        _networks(data, note),
        _series(data),
        _best(data),
        _growth(data),
        _months(data),
        *registry.contributed(KEY, meta),
    ]
    if conclusions and report.conclusions:
        sections.append(Paragraphs(heading=_("Conclusions"), lines=report.conclusions.splitlines()))
    return Document(title=report.title, meta=meta, sections=sections, sheet=_("Report"))


def report_xlsx(data: ReportData) -> bytes:
    return write(report_document(data), XLSX)


def report_docx(data: ReportData) -> bytes:
    return write(report_document(data), DOCX)


def report_csv(data: ReportData) -> bytes:
    return write(report_document(data), CSV)


def _build(*, membership, report) -> Document:
    """The report's document; the caller found the report among the person's own."""
    return report_document(build_report(report))


REPORT = registry.register(
    registry.DocumentType(
        key=KEY,
        title=gettext_lazy("Period report"),
        build=_build,
        formats=(XLSX, DOCX, CSV),
    )
)
