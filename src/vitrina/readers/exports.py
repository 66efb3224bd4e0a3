"""The reader services' documents: the debtors list (XLSX), and their section of the period
report — reminders sent by kind and network, renewals done online, debts returned after a
reminder — contributed through the export registry, so analytics knows nothing of readers."""

from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.channels.providers.registry import provider_class
from vitrina.core import rules
from vitrina.core.exports import registry
from vitrina.core.exports.sections import (
    XLSX,
    Column,
    Document,
    KeyValues,
    Kind,
    Meta,
    Section,
    Table,
)
from vitrina.core.timeplace import format_at_place
from vitrina.readers.models import Reminder, ReminderKind, RenewalRequest
from vitrina.readers.selectors.debtors import days_overdue, groups, overdue_loans, with_history
from vitrina.readers.selectors.report import period_figures

DEBTORS = "readers.debtors"
REPORT = "analytics.report"  # the period report, whose owner this module never imports
EXPORT_LIMIT = 50_000


def choice_label(choices, value) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def reminder_summary(loan) -> tuple[str, str, str]:
    """The loan's last reminder: its kind, when (the library's clock), how it went."""
    if not loan.reminder_kind:
        return "", "", ""
    moment = loan.reminder_sent_at or loan.reminder_created_at
    when = format_at_place(moment, loan.reader.library.timezone, fmt="d.m.Y H:i")
    result = choice_label(Reminder.State, loan.reminder_state)
    if loan.reminder_result:
        result = f"{result}: {loan.reminder_result}"
    return choice_label(ReminderKind, loan.reminder_kind), when, result


def debtors_document(*, membership, group: str = "", library_id: int | None = None) -> Document:
    loans = with_history(overdue_loans(membership, group=group, library_id=library_id))
    rows = []
    for loan in loans[:EXPORT_LIMIT]:
        kind, when, result = reminder_summary(loan)
        rows.append(
            [
                loan.reader.card,
                loan.reader.library.name,
                loan.title,
                loan.due,
                days_overdue(loan),
                kind,
                when,
                result,
                choice_label(RenewalRequest.State, loan.renewal_state),
            ]
        )
    chosen = next((item.label for item in groups() if item.key == group), "")
    title = _("Debtors — %(organisation)s") % {"organisation": membership.organisation.name}
    if chosen:
        title = f"{title} ({chosen})"
    return Document(
        title=title,
        meta=Meta(organisation=membership.organisation),
        sheet=_("Debtors"),
        sections=[
            Table(
                columns=[
                    Column(_("Library card")),
                    Column(_("Library"), width=30, wrap=True),
                    Column(_("Book"), width=50, wrap=True),
                    Column(_("Due date"), Kind.DATE),
                    Column(_("Days overdue"), Kind.INTEGER),
                    Column(_("Last reminder")),
                    Column(_("Reminded at")),
                    Column(_("Result"), width=40, wrap=True),
                    Column(_("Renewal request")),
                ],
                rows=rows,
                autofilter=True,
                empty=_("No overdue loans."),
            )
        ],
    )


def _network(network: str) -> str:
    found = provider_class(network)
    return str(found.title) if found is not None else network


def readers_section(meta: Meta) -> list[Section]:
    """The report's section: what reader services did in its days (whole days in the zone
    of its library, or of the organisation); a library's own only in a library's report."""
    figures = period_figures(
        organisation=meta.organisation,
        library=meta.library,
        date_from=meta.date_from,
        date_to=meta.date_to,
        zone=ZoneInfo(meta.zone),
    )
    period = {"from": f"{meta.date_from:%d.%m.%Y}", "to": f"{meta.date_to:%d.%m.%Y}"}
    networks = figures["networks"]
    sent = figures["sent"]
    rows = []
    for kind in ReminderKind:
        counts = [sent[(kind.value, network)] for network in networks]
        if any(counts):
            rows.append([str(kind.label), *counts, sum(counts)])
    if rows:
        totals = [sum(count for (_k, n), count in sent.items() if n == net) for net in networks]
        rows.append([_("Total"), *totals, sum(totals)])
    renewals = [[library, *counts, sum(counts)] for library, counts in figures["renewals"].items()]
    if renewals:
        direct = sum(row[1] for row in renewals)
        confirmed = sum(row[2] for row in renewals)
        renewals.append([_("Total"), direct, confirmed, direct + confirmed])
    debts, returned = figures["debts"], figures["returned"]
    return [
        Table(
            heading=_("Reminders sent to readers, %(from)s – %(to)s") % period,
            columns=[
                Column(_("Reminder"), width=30),
                *(Column(_network(network), Kind.INTEGER) for network in networks),
                Column(_("Total"), Kind.INTEGER),
            ],
            rows=rows,
            total=bool(rows),
            empty=_("Nothing in this period."),
        ),
        Table(
            heading=_("Loans renewed online, %(from)s – %(to)s") % period,
            columns=[
                Column(_("Library"), width=40, wrap=True),
                Column(_("By the library system at the reader's request"), Kind.INTEGER),
                Column(_("Confirmed by a librarian"), Kind.INTEGER),
                Column(_("Total"), Kind.INTEGER),
            ],
            rows=renewals,
            total=bool(renewals),
            empty=_("Nothing in this period."),
        ),
        KeyValues(
            heading=_("Debts returned after a reminder, %(from)s – %(to)s") % period,
            pairs=[
                (_("Overdue loans reminded of"), debts),
                (_("Returned or renewed after the reminder"), returned),
                (
                    _("Share returned"),
                    f"{round(100 * returned / debts)} %" if debts else "—",
                ),
            ],
        ),
    ]


registry.register(
    registry.DocumentType(
        key=DEBTORS,
        title=gettext_lazy("Debtors"),
        build=debtors_document,
        visible=rules.can_serve_readers,
        formats=(XLSX,),
    )
)
registry.contribute(
    registry.Contribution(document=REPORT, key="readers.services", build=readers_section)
)
