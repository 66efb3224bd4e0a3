from django.contrib import admin

from vitrina.inbox.models import ChannelInbox
from vitrina.inbox.receiving_setup import receives_webhooks, webhook_url


@admin.register(ChannelInbox)
class ChannelInboxAdmin(admin.ModelAdmin):
    list_display = ["channel", "mode", "polled_at", "poll_error"]
    fields = ["channel", "mode", "confirmation_code", "webhook_address", "polled_at", "poll_error"]
    readonly_fields = ["channel", "webhook_address", "polled_at", "poll_error"]

    @admin.display(description="webhook")
    def webhook_address(self, obj: ChannelInbox) -> str:
        # Networks that send no webhooks (Odnoklassniki) are polled only.
        return webhook_url(obj) if receives_webhooks(obj.channel) else "—"
