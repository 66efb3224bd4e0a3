"""``vitrina refresh_channel_tokens``: renew VK ID and OK user tokens that expire soon.

``vitrina scheduler`` does this by itself every ``VITRINA_TOKEN_REFRESH_MINUTES`` (the job
"channels.refresh_tokens"); this command runs the same job once, now. Publishing also
refreshes a token it is about to use, so this only keeps idle channels connected.
"""

from django.core.management.base import BaseCommand

from vitrina.channels.jobs import tokens_refresh


class Command(BaseCommand):
    help = "Refresh the user tokens of channels that expire within 15 minutes."

    def handle(self, *args, **options):
        refreshed = tokens_refresh()
        self.stdout.write(f"Refreshed {refreshed} token(s).")
