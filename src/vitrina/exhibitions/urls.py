from django.urls import path

from vitrina.exhibitions import views

app_name = "exhibitions"

urlpatterns = [
    path("", views.exhibition_list, name="list"),
    path("new/", views.exhibition_edit, name="create"),
    path("arrivals/", views.arrival_list, name="arrivals"),
    path("<int:exhibition_id>/", views.exhibition_detail, name="detail"),
    path("<int:exhibition_id>/edit/", views.exhibition_edit, name="edit"),
    path("<int:exhibition_id>/publish/", views.exhibition_publish, name="publish"),
    path("<int:exhibition_id>/delete/", views.exhibition_delete, name="delete"),
    path("<int:exhibition_id>/posts/", views.exhibition_posts, name="posts"),
    path("<int:exhibition_id>/sections/", views.section_save, name="section-add"),
    path("<int:exhibition_id>/sections/<int:section_id>/", views.section_save, name="section-edit"),
    path(
        "<int:exhibition_id>/sections/<int:section_id>/delete/",
        views.section_delete,
        name="section-delete",
    ),
    path("<int:exhibition_id>/books/", views.book_add, name="book-add"),
    path("<int:exhibition_id>/books/<int:book_id>/", views.book_edit, name="book-edit"),
    path("<int:exhibition_id>/books/<int:book_id>/delete/", views.book_delete, name="book-delete"),
    path("<int:exhibition_id>/books/<int:book_id>/cover/", views.book_cover, name="book-cover"),
]
