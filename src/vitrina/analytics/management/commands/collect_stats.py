"""``vitrina collect_stats``: read the channels' figures from the networks now.

The scheduler starts rounds of collection by itself (``VITRINA_COLLECT_INTERVAL_MINUTES``);
this command reads now, for one channel or organisation or when the scheduler's rounds are
off. Each run reads only what is due, and running it twice stores nothing twice.
"""

from django.core.management.base import BaseCommand

from vitrina.analytics.collect import collectable_channels
from vitrina.analytics.rounds import round_collect


class Command(BaseCommand):
    help = "Collect account and post figures of every connected channel, then refresh the registry."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (its slug).")
        parser.add_argument("--channel", type=int, help="Only this channel (its id).")

    def handle(self, *args, organisation=None, channel=None, **options):
        channels = collectable_channels()
        if organisation:
            channels = channels.filter(organisation__slug=organisation)
        if channel:
            channels = channels.filter(pk=channel)
        totals = {"channels": 0, "days": 0, "posts": 0, "skipped": 0}
        for item, result in round_collect(channels=channels):
            totals["channels"] += 1
            totals["days"] += result.days
            totals["posts"] += result.posts
            if result.skipped:
                totals["skipped"] += 1
                reason = "; ".join(result.notes) or result.skipped
                self.stderr.write(f"{item} (#{item.pk}): {reason}")
        self.stdout.write(
            "channels={channels} days={days} posts={posts} skipped={skipped}".format(**totals)
        )
