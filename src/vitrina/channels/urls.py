from django.urls import path

from vitrina.channels import connect_views, views

app_name = "channels"

urlpatterns = [
    path("", views.channel_list, name="list"),
    path("export.xlsx", views.channel_export, name="export"),
    path("new/", views.channel_edit, name="create"),
    path("<int:channel_id>/", views.channel_detail, name="detail"),
    path("<int:channel_id>/edit/", views.channel_edit, name="edit"),
    path("<int:channel_id>/archive/", views.channel_archive, name="archive"),
    path("<int:channel_id>/token/", views.channel_secret, name="secret"),
    path("<int:channel_id>/check/", connect_views.channel_check, name="check"),
    path(
        "<int:channel_id>/connect/<slug:network>/",
        connect_views.channel_connect,
        name="connect",
    ),
]
