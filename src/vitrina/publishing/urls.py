from django.urls import path

from vitrina.publishing import views

app_name = "publishing"

# Under /o/<org>/, beside the post page whose publishing actions these are.
urlpatterns = [
    path(
        "posts/<int:post_id>/variants/<int:variant_id>/action/",
        views.variant_action,
        name="variant-action",
    ),
    path(
        "posts/<int:post_id>/delete-from-networks/",
        views.post_delete_from_networks,
        name="post-delete-from-networks",
    ),
]
