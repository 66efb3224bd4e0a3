"""Answers within the target (the inbox's first answers against the answer target in
working days) and negative comments left without an answer."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.inbox.models import Direction, Message, Thread, ThreadStatus
from vitrina.inbox.response import answer_deadline, duration_text
from vitrina.strategy.health.base import (
    ATTENTION,
    BAD,
    GOOD,
    UNKNOWN,
    Check,
    Context,
    Row,
    share_text,
)


def target_days(context: Context) -> int:
    strategy = context.strategy
    if strategy is not None and strategy.answer_working_days:
        return strategy.answer_working_days
    return context.organisation.answer_working_days


def answered_in_time(context: Context) -> tuple[int, int]:
    """(answered in time, due) over the conversations begun in the period whose answer
    was due by now."""
    days = target_days(context)
    rows = Thread.objects.filter(
        organisation=context.organisation,
        first_inbound_at__gte=context.start,
        first_inbound_at__lte=context.now,
    ).values_list("first_inbound_at", "first_answer_at")
    due = in_time = 0
    for asked, answered in rows:
        deadline = answer_deadline(asked, days)
        if answered is None and deadline > context.now:
            continue  # still within the target
        due += 1
        if answered is not None and answered <= deadline:
            in_time += 1
    return in_time, due


def check(context: Context) -> Check:
    days = target_days(context)
    result = Check(
        key="answers",
        title=_("Answers to readers"),
        note=ngettext(
            "The target: a first answer within %(days)d working day.",
            "The target: a first answer within %(days)d working days.",
            days,
        )
        % {"days": days},
    )
    in_time, due = answered_in_time(context)
    if not due:
        status, advice = UNKNOWN, ""
    elif in_time >= due * 0.9:
        status, advice = GOOD, ""
    elif in_time >= due * 0.7:
        status, advice = ATTENTION, _("Some readers waited too long: look into the inbox daily.")
    else:
        status = BAD
        advice = _(
            "Many readers waited longer than promised: name who answers each day and use "
            "the canned answers."
        )
    result.rows.append(
        Row(
            subject=_("Answered within the target"),
            status=status,
            figures={"due": due, "in_time": in_time},
            text=_("%(share)s of %(due)d conversations of the last four weeks.")
            % {"share": share_text(in_time, due), "due": due},
            advice=advice,
        )
    )
    negative = Message.objects.filter(thread=OuterRef("pk"), direction=Direction.IN, negative=True)
    waiting = list(
        Thread.objects.filter(organisation=context.organisation, awaiting_since__lte=context.now)
        .exclude(status=ThreadStatus.CLOSED)
        .filter(Exists(negative))
        .values_list("awaiting_since", flat=True)
    )
    if waiting:
        oldest = context.now - min(waiting)
        late = any(answer_deadline(since, days) < context.now for since in waiting)
        text = ngettext(
            "%(count)d negative message waits for an answer, the oldest for %(wait)s.",
            "%(count)d negative messages wait for an answer, the oldest for %(wait)s.",
            len(waiting),
        ) % {"count": len(waiting), "wait": duration_text(oldest)}
        row = Row(
            subject=_("Negative comments without an answer"),
            status=BAD if late else ATTENTION,
            figures={"waiting": len(waiting), "oldest_hours": round(oldest.total_seconds() / 3600)},
            text=text,
            advice=_(
                "Answer calmly and publicly, thank for the remark and say what the library "
                "will do: an unanswered complaint is read by everyone."
            ),
        )
    else:
        row = Row(
            subject=_("Negative comments without an answer"),
            status=GOOD,
            figures={"waiting": 0},
            text=_("None wait for an answer."),
        )
    result.rows.append(row)
    return result
