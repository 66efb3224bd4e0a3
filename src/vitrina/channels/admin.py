from django.contrib import admin

from vitrina.channels.models import Channel, ChannelSecret


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "kind", "library", "organisation", "connection_state")
    list_filter = ("network", "kind", "connection_state", "organisation")
    search_fields = ("name", "url", "external_id")
    raw_id_fields = ("library",)


@admin.register(ChannelSecret)
class ChannelSecretAdmin(admin.ModelAdmin):
    """Shows which tokens exist; the encrypted value is neither shown nor editable."""

    list_display = ("channel", "kind", "expires_at", "updated_at")
    exclude = ("ciphertext",)
    readonly_fields = ("channel", "kind", "expires_at", "updated_at")

    def has_add_permission(self, request):
        return False
