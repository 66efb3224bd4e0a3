"""Pages a reader opens from the library's dialog (``/r/…``), without an account."""

from django.urls import path

from vitrina.readers.views import linking

urlpatterns = [
    path("link/<str:token>/", linking.link_page, name="reader-link"),
    path("data/<str:token>/", linking.data_page, name="reader-data"),
    path("data/<str:token>/export.json", linking.data_export, name="reader-data-export"),
    path("data/<str:token>/delete/", linking.data_delete, name="reader-data-delete"),
]
