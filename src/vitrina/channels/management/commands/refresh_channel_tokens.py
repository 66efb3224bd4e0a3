"""``vitrina refresh_channel_tokens``: renew VK ID and OK user tokens that expire soon.

Run it every few minutes (cron, or the scheduler); publishing also refreshes a token it is
about to use, so this only keeps idle channels connected.
"""

from django.core.management.base import BaseCommand

from vitrina.channels.connect import channels_refresh_expiring


class Command(BaseCommand):
    help = "Refresh the user tokens of channels that expire within 15 minutes."

    def handle(self, *args, **options):
        refreshed = channels_refresh_expiring()
        self.stdout.write(f"Refreshed {refreshed} token(s).")
