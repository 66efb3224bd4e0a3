from django.urls import path

from vitrina.strategy import views_links

app_name = "shortlinks"

urlpatterns = [
    path("", views_links.link_list, name="list"),
    path("<int:link_id>/confirm/", views_links.link_confirm, name="confirm"),
]
