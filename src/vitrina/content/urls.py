from django.urls import path

from vitrina.content.views import media, planning, posts, rubrics, tools

app_name = "content"

urlpatterns = [
    path("posts/", posts.post_list, name="posts"),
    path("posts/new/", posts.post_edit, name="post-create"),
    path("posts/<int:post_id>/", posts.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", posts.post_edit, name="post-edit"),
    path("posts/<int:post_id>/action/", posts.post_action, name="post-action"),
    path("posts/<int:post_id>/move/", planning.post_move, name="post-move"),
    path(
        "posts/<int:post_id>/variants/<int:variant_id>/",
        posts.variant_edit,
        name="variant-edit",
    ),
    path("calendar/", planning.calendar, name="calendar"),
    path("calendar/events/", planning.calendar_events, name="calendar-events"),
    path("planning/slots/", planning.slot_list, name="slots"),
    path("planning/slots/<int:slot_id>/delete/", planning.slot_delete, name="slot-delete"),
    path("planning/recurring/", planning.recurrence_list, name="recurring"),
    path("media/", media.media_list, name="media"),
    path("media/upload/", media.media_upload, name="media-upload"),
    path("media/<int:asset_id>/", media.media_edit, name="media-edit"),
    path("media/<int:asset_id>/file/", media.media_file, name="media-file"),
    path("posts/import/", tools.plan_import, name="import"),
    path("posts/autosave/", posts.post_autosave, name="autosave"),
    path("posts/<int:post_id>/autosave/", posts.post_autosave, name="post-autosave"),
    path("templates/", tools.template_list, name="templates"),
    path("templates/<int:template_id>/delete/", tools.template_delete, name="template-delete"),
    path("text-blocks/<int:block_id>/delete/", tools.text_block_delete, name="block-delete"),
    path("guest-links/", tools.guest_links, name="guest-links"),
    path("rubrics/", rubrics.rubric_list, name="rubrics"),
    path("rubrics/new/", rubrics.rubric_edit, name="rubric-create"),
    path("rubrics/<int:rubric_id>/", rubrics.rubric_edit, name="rubric-edit"),
    path("series/new/", rubrics.series_edit, name="series-create"),
    path("series/<int:series_id>/", rubrics.series_edit, name="series-edit"),
]
