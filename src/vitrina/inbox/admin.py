from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from vitrina.inbox.models import ChannelInbox


@admin.register(ChannelInbox)
class ChannelInboxAdmin(admin.ModelAdmin):
    list_display = ["channel", "mode", "polled_at", "poll_error"]
    fields = ["channel", "mode", "confirmation_code", "webhook_address", "polled_at", "poll_error"]
    readonly_fields = ["channel", "webhook_address", "polled_at", "poll_error"]

    @admin.display(description="webhook")
    def webhook_address(self, obj: ChannelInbox) -> str:
        name = f"inbox-hook-{obj.channel.network}"
        try:
            return reverse(name, kwargs={"token": obj.hook_token})
        except NoReverseMatch:  # Odnoklassniki sends no webhooks
            return "—"
