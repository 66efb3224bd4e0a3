"""Reader services' parts of other apps' pages: ``{% load readers %}``.

The inbox's thread page is the inbox's; the renewal action beside a reader's «продлите,
пожалуйста» — the reader's card, their current loans read from the library system and
«Продлить» for each — comes from here, so that the inbox's code needs nothing of readers.
"""

from django import template

from vitrina.readers.forms.renewals import ThreadRenewForm
from vitrina.readers.selectors.renewals import thread_renewal_panel

register = template.Library()


@register.inclusion_tag("readers/_thread_renewal.html", takes_context=True)
def renewal_panel(context, thread, messages=()):
    """``{% renewal_panel thread thread_messages %}``: shown in a dialog whose reader asked
    to renew, to those who serve readers; nothing otherwise."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    panel = None
    if membership is not None:
        panel = thread_renewal_panel(membership=membership, thread=thread, messages=messages)
    if panel is not None:
        for loan in panel.loans:
            loan.form = ThreadRenewForm(
                initial={"loan_id": loan.loan_id, "new_due": loan.new_due},
                auto_id=f"renew-{thread.pk}-%s-{loan.loan_id}",
            )
    return {
        "panel": panel,
        "thread": thread,
        "organisation": getattr(request, "organisation", None),
        "csrf_token": context.get("csrf_token"),
    }
