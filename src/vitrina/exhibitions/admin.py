from django.contrib import admin

from vitrina.exhibitions.models import Book, Exhibition, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class BookInline(admin.TabularInline):
    model = Book
    extra = 0
    fields = ("section", "title", "note", "position")
    readonly_fields = ("title",)


@admin.register(Exhibition)
class ExhibitionAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "slug", "published_at")
    list_filter = ("organisation",)
    search_fields = ("title",)
    raw_id_fields = ("library", "series")
    inlines = [SectionInline, BookInline]
