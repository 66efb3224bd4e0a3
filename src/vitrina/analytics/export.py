"""The period report as a document of the export layer, and its files: XLSX and DOCX
(with native charts: views by network, posts and views by month, the growth of
subscribers), CSV, and the report's page.

Every format writes the same sections: Table 1 as in the libraries' own reports, totals by
network, by kind of content and by month (each with its total row, and the three totals
agree), the virtual exhibitions, the best materials named by their first words and linked
to the posts on the networks, growth, the library's conclusions and the signature block. A
figure that includes days or posts entered by hand or imported carries an asterisk and the
section a footnote (the CSV a source column instead); a count the network does not give
reads «нет данных», and the note under Table 1 says why. Other modules add their own
sections through the registry (the inbox: the reference inquiries answered).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.analytics.report import ReportData, build_report
from vitrina.core.exports import registry
from vitrina.core.exports.formats import write
from vitrina.core.exports.sections import (
    CSV,
    DOCX,
    LINE,
    XLSX,
    Cell,
    Chart,
    Column,
    Document,
    Kind,
    Meta,
    Paragraphs,
    Section,
    Signature,
    Table,
)

MARK = "*"
KEY = "analytics.report"
CSV_ONLY = frozenset({CSV})


def footnote() -> str:
    return _("%(mark)s Entered by hand or imported from a file, not read from the network.") % {
        "mark": MARK
    }


def no_data() -> str:
    return _("no data")


def _marked(value, marked: bool):
    if value is None:
        return no_data()
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


def _why(row, labels: dict[str, str]) -> str:
    """Why a channel's row says «нет данных»: one reason, or one for each figure."""
    reasons = {name: getattr(row, f"{name}_why") for name in ("followers", "visits")}
    given = {reason for reason in reasons.values() if reason}
    if len(given) <= 1:
        return next(iter(given), "")
    return "; ".join(f"{labels[name].lower()} — {reason}" for name, reason in reasons.items())


def _channels(data: ReportData, note: str) -> Table:
    report = data.report
    labels = {"posts": _("Posts"), "followers": _("Friends / subscribers"), "visits": _("Visits")}
    rows = [
        [
            row.network,
            f"{row.channel.name}\n{row.address}".strip(),
            row.created_on or no_data(),
            _marked(row.posts, "posts" in row.marked),
            _marked(row.posts_per_week, "posts" in row.marked),
            _marked(row.followers, "followers" in row.marked),
            _marked(row.visits, "visits" in row.marked),
            "; ".join(row.content_types) or _("no posts in the period"),
            _source(row.marked, labels),
        ]
        for row in data.channels
    ]
    marked = any(row.marked & labels.keys() for row in data.channels)
    notes = [note] if marked and note else []
    notes += [
        _("«%(no_data)s» for %(channel)s (%(network)s): %(why)s")
        % {"no_data": no_data(), "channel": row.channel.name, "network": row.network, "why": why}
        for row, why in ((row, _why(row, labels)) for row in data.channels)
        if why
    ]
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
        note="\n".join(notes),
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


def _known(total, name: str):
    """A network's figure, None (no data) for visits no channel of it tells."""
    if name in ("visits", "visitors_per_day") and not total.visits_known:
        return None
    return getattr(total, name)


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
            *(_marked(_known(item, name), name in item.marked) for name in TOTALS),
            _marked(_known(item, "visitors_per_day"), "visitors_per_day" in item.marked),
            _source(item.marked, labels),
        ]
        for item in data.networks
    ]
    if len(data.networks) > 1:
        known = [item for item in data.networks if item.visits_known]
        rows.append(
            [
                _("Total"),
                *(sum(getattr(item, name) for item in data.networks) for name in TOTALS),
                round(sum(item.visitors_per_day for item in known), 1),
                "",
            ]
        )
        if not known:  # no network tells its visits: nor does the total
            rows[-1][TOTALS.index("visits") + 1] = rows[-1][-2] = no_data()
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
        total=len(data.networks) > 1,
        chart=Chart(title=_("Views by network"), values=(4,), categories=0, y_title=_("Views")),
    )


def _kinds(data: ReportData) -> Table:
    rows = [[item.name, item.posts, item.views] for item in data.kinds]
    if data.kinds:
        rows.append(
            [
                _("Total"),
                sum(item.posts for item in data.kinds),
                sum(item.views for item in data.kinds),
            ]
        )
    return _table(
        _("Kinds of content"),
        [Column(_("Kind of content"), width=40, wrap=True), _count(_("Posts")), _count(_("Views"))],
        rows,
        total=bool(data.kinds),
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
            row.note,
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
            Column(_("Readings")),
        ],
        rows,
        note=_("Growth is counted only between two real readings of subscribers in the period."),
    )


def _months(data: ReportData) -> Table:
    rows = [[month.month, month.posts, month.views, month.followers] for month in data.months]
    rows.append(
        [
            _("Total"),
            sum(month.posts for month in data.months),
            sum(month.views for month in data.months),
            None,
        ]
    )
    growth = Chart(
        title=_("Growth of subscribers by month"),
        values=(3,),
        categories=0,
        y_title=_("Subscribers"),
        kind=LINE,
    )
    known = any(month.followers is not None for month in data.months)
    return _table(
        _("Posts and views by month"),
        [
            Column(_("Month"), Kind.MONTH, width=16),
            _count(_("Posts")),
            _count(_("Views")),
            _count(_("Subscribers at the end of the month")),
        ],
        rows,
        total=True,
        chart=Chart(title=_("Views by month"), values=(2,), categories=0, y_title=_("Views")),
        charts=(growth,) if known else (),
    )


def _signature(report) -> list[Section]:
    if not (report.signer_position or report.signer_name):
        return []
    return [Signature(position=report.signer_position, name=report.signer_name)]


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
        _kinds(data),
        _series(data),
        _best(data),
        _growth(data),
        _months(data),
        *registry.contributed(KEY, meta),
    ]
    if conclusions and report.conclusions:
        sections.append(Paragraphs(heading=_("Conclusions"), lines=report.conclusions.splitlines()))
    if conclusions:
        sections += _signature(report)
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
