"""Official pages on the networks where state and municipal institutions must keep one:
the page exists and is connected for a library, its description gives the address,
hours, phone and site, and it carries the network's official mark where there is one.

What a network does not tell Vitrina (its provider's ``page_facts_read``) a librarian
confirms by hand; the check names who confirmed it and when."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.channels.networks import ConnectionState, Kind
from vitrina.channels.providers.registry import networks_where, provider_class
from vitrina.strategy.health.base import ATTENTION, BAD, GOOD, Check, Context, Row
from vitrina.strategy.models import PageFact

FACTS = {
    "address": gettext_lazy("the address in the description"),
    "hours": gettext_lazy("the opening hours in the description"),
    "phone": gettext_lazy("the phone in the description"),
    "site": gettext_lazy("the site in the description"),
    "mark": gettext_lazy("the official organisation's mark"),
}


def facts_for(network: str) -> list[str]:
    cls = provider_class(network)
    if cls is None:
        return []
    return [fact for fact in FACTS if fact != "mark" or cls.official_mark]


def official_networks() -> list[str]:
    return networks_where(lambda cls: cls.official_page_required)


def check(context: Context) -> Check:
    result = Check(
        key="pages",
        title=_("Official pages"),
        note=_(
            "State and municipal libraries keep official pages on these networks (since "
            "1 December 2022). What a network does not tell Vitrina, a librarian confirms "
            "by hand below."
        ),
    )
    official = official_networks()
    channels = [c for c in context.channels if c.network in official]
    confirmed = {
        (fact.channel_id, fact.fact): fact
        for fact in PageFact.objects.filter(channel__in=channels).select_related("confirmed_by")
    }
    for network in official:
        cls = provider_class(network)
        pages = [c for c in channels if c.network == network and c.kind != Kind.PROFILE]
        if not pages:
            profiles = any(c.network == network for c in channels)
            result.rows.append(
                Row(
                    subject=cls.title,
                    status=BAD,
                    figures={"network": network, "pages": 0},
                    text=_("Only a person's profile, no community page of the library.")
                    if profiles
                    else _("No page of the library on this network in Vitrina."),
                    advice=_(
                        "An official page here is required: create a community, add it "
                        "to the channels and connect it."
                    ),
                )
            )
            continue
        for channel in pages:
            facts, missing = [], []
            for fact in facts_for(network):
                read = fact in cls.page_facts_read
                found = confirmed.get((channel.pk, fact))
                by = ""
                if found is not None and found.confirmed_by is not None:
                    by = found.confirmed_by.get_full_name() or found.confirmed_by.username
                facts.append(
                    {
                        "fact": fact,
                        "label": str(FACTS[fact]),
                        "read_by_vitrina": read,
                        "confirmed": found is not None,
                        "confirmed_by": by,
                        "confirmed_at": found.confirmed_at.isoformat() if found else None,
                    }
                )
                if found is None:
                    missing.append(str(FACTS[fact]))
            connected = channel.connection_state == ConnectionState.CONNECTED
            status = GOOD
            advice = ""
            text = _("Page of %(library)s.") % {"library": channel.library.name}
            if not connected:
                status = BAD
                advice = _("Connect the page to Vitrina, so its posts and comments are seen.")
                text += " " + _("Not connected.")
            if missing:
                status = ATTENTION if status == GOOD else status
                text += " " + _("Not confirmed: %(facts)s.") % {"facts": ", ".join(missing)}
                advice = advice or _(
                    "Check the page's description on the network and confirm each fact here."
                )
            result.rows.append(
                Row(
                    subject=f"{cls.title}: {channel.name}",
                    status=status,
                    figures={
                        "network": network,
                        "channel_id": channel.pk,
                        "connected": connected,
                        "mark": cls.official_mark,
                        "facts": facts,
                    },
                    text=text,
                    advice=advice,
                    confirmed_by_hand=any(f["confirmed"] for f in facts),
                )
            )
    return result
