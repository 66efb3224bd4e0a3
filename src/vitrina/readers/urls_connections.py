from django.urls import path

from vitrina.readers.views import connections as views

urlpatterns = [
    path("connections/", views.connection_index, name="connections"),
    path("connections/new/", views.connection_edit, name="connection-create"),
    path("connections/<int:connection_id>/", views.connection_edit, name="connection-edit"),
    path("connections/<int:connection_id>/check/", views.connection_check, name="connection-check"),
    path(
        "connections/<int:connection_id>/upload/",
        views.connection_upload,
        name="connection-upload",
    ),
    path(
        "connections/<int:connection_id>/harvest/",
        views.connection_harvest,
        name="connection-harvest",
    ),
    path(
        "connections/<int:connection_id>/archive/",
        views.connection_archive,
        name="connection-archive",
    ),
]
