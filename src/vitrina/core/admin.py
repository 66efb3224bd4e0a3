from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from vitrina.core.models import (
    ApiToken,
    AuditEntry,
    Invitation,
    Library,
    Membership,
    Organisation,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Vitrina", {"fields": ("full_name", "language")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")


class LibraryInline(admin.TabularInline):
    model = Library
    fields = ("name", "short_name", "parent", "timezone", "archived_at")
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "timezone")
    search_fields = ("name", "slug")
    inlines = [LibraryInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active", "organisation")
    filter_horizontal = ("libraries",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "accepted_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organisation", "actor", "action", "object_repr")
    list_filter = ("action", "organisation")
    search_fields = ("object_repr",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
