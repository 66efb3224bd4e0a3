from django.urls import path

from vitrina.readers.views import readers as views

urlpatterns = [
    path("", views.reader_list, name="list"),
]
