from django.contrib import admin

from vitrina.catalog.models import ImportRun, MemorableDate, Record


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("title", "authors", "year", "organisation", "source", "received_on")
    list_filter = ("source", "resource_type")
    search_fields = ("title", "authors", "isbn", "external_id")
    raw_id_fields = ("organisation",)
    readonly_fields = ("data", "search_document", "search_words", "created_at", "updated_at")
    exclude = ("search_vector",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "organisation", "started_at", "created", "updated", "failed")
    list_filter = ("state", "file_format")
    raw_id_fields = ("organisation", "started_by")


@admin.register(MemorableDate)
class MemorableDateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "organisation", "year", "month", "day")
    list_filter = ("kind",)
    search_fields = ("title", "description")
    raw_id_fields = ("organisation",)
