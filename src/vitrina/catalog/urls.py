from django.urls import path

from vitrina.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.docx", views.record_export, {"file_format": "docx"}, name="export-docx"),
    path("export.txt", views.record_export, {"file_format": "txt"}, name="export-text"),
    path("<int:record_id>/", views.record_detail, name="detail"),
    path("<int:record_id>/cover.png", views.record_cover, name="cover"),
    path("<int:record_id>/cover/fetch/", views.record_cover_fetch, name="cover-fetch"),
    path("import/", views.record_import, name="import"),
    path("import/columns/", views.column_mapping, name="columns"),
    path("imports/<int:run_id>/", views.import_detail, name="import-detail"),
    path("dates/", views.date_list, name="dates"),
    path("dates/new/", views.date_edit, name="date-create"),
    path("dates/<int:date_id>/", views.date_edit, name="date-edit"),
    path("dates/<int:date_id>/delete/", views.date_delete, name="date-delete"),
    path("dates/<int:date_id>/post/", views.date_post, name="date-post"),
    path("dates/import/", views.date_import, name="dates-import"),
    path("dates/starter/", views.date_starter_set, name="dates-starter"),
]
