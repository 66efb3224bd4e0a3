"""What each network accepts, checked the same way on the server and in the composer."""

import re
from dataclasses import asdict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from vitrina.channels.providers.registry import connectable_networks, provider_class
from vitrina.channels.providers.types import Limits

POLL_MIN_ANSWERS = 2
POLL_MAX_ANSWERS = 10


def limits_for(network: str) -> Limits | None:
    """The network's limits, None for networks Vitrina does not publish to."""
    cls = provider_class(network)
    return cls.limits if cls is not None else None


def limits_table() -> dict[str, dict]:
    """For the composer's live counters (passed to the page with json_script)."""
    return {
        network: {
            key: value
            for key, value in asdict(limits_for(network)).items()
            if isinstance(value, (int, bool, type(None)))
        }
        for network in connectable_networks()
    }


def check_variant(
    *,
    network: str,
    text: str,
    media_count: int,
    poll_question: str = "",
    poll_answers: list[str] | tuple = (),
) -> list[str]:
    """Reasons the network would refuse this variant, in plain Russian (empty when fine)."""
    limits = limits_for(network)
    if limits is None:
        return [_("Vitrina does not publish to this network.")]
    problems = []
    length = len(text)
    if media_count and limits.caption is not None and length > limits.caption:
        problems.append(
            _("With pictures the text may have at most %(limit)s characters; it has %(length)s.")
            % {"limit": limits.caption, "length": length}
        )
    elif length > limits.text:
        problems.append(
            _("The text may have at most %(limit)s characters; it has %(length)s.")
            % {"limit": limits.text, "length": length}
        )
    if media_count > limits.media:
        problems.append(
            _("At most %(limit)s pictures; there are %(count)s.")
            % {"limit": limits.media, "count": media_count}
        )
    if poll_question:
        if not limits.polls:
            problems.append(_("This network has no polls."))
        else:
            if len(poll_question) > limits.poll_question:
                problems.append(
                    _("The poll question may have at most %(limit)s characters.")
                    % {"limit": limits.poll_question}
                )
            if len(poll_answers) > limits.poll_options:
                problems.append(
                    _("At most %(limit)s answers in a poll.") % {"limit": limits.poll_options}
                )
            if any(len(answer) > limits.poll_option_length for answer in poll_answers):
                problems.append(
                    _("A poll answer may have at most %(limit)s characters.")
                    % {"limit": limits.poll_option_length}
                )
    if not text.strip() and not media_count and not poll_question:
        problems.append(_("The post is empty: write a text or add a picture."))
    return problems


URL_RE = re.compile(r"https?://[^\s<>«»\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)»"


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.").lower()


def add_utm(url: str, *, network: str, campaign: str) -> str:
    """The address with utm_source=<network>&utm_medium=social&utm_campaign=<rubric>."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in {"utm_source", "utm_medium", "utm_campaign"}
    ]
    query += [("utm_source", network), ("utm_medium", "social")]
    if campaign:
        query.append(("utm_campaign", campaign))
    return urlunsplit(parts._replace(query=urlencode(query)))


def utm_text(text: str, *, sites: list[str], network: str, campaign: str) -> str:
    """Marks every link in the text that points to one of the library's own sites."""
    hosts = {_host(site) for site in sites if site}
    hosts.discard("")
    if not hosts:
        return text

    def replace(match: re.Match) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in TRAILING:
            url, tail = url[:-1], url[-1] + tail
        if _host(url) not in hosts:
            return match.group(0)
        return add_utm(url, network=network, campaign=campaign) + tail

    return URL_RE.sub(replace, text)
