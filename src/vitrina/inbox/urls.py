from django.urls import path

from vitrina.inbox import receiving_views, views

app_name = "inbox"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("unread.json", views.unread, name="unread"),
    path("response-times/", views.response_times, name="response-times"),
    path("inquiries/", views.inquiry_report, name="inquiries"),
    path("inquiries/report.xlsx", views.inquiry_export, name="inquiries-export"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_detail, name="inquiry"),
    path(
        "<int:thread_id>/messages/<int:message_id>/inquiry/",
        views.inquiry_create,
        name="inquiry-create",
    ),
    path("channels/", receiving_views.receiving_list, name="receiving-list"),
    path("channels/<int:channel_id>/", receiving_views.receiving, name="receiving"),
    path("canned/", views.canned_list, name="canned"),
    path("canned/new/", views.canned_edit, name="canned-create"),
    path("canned/<int:canned_id>/", views.canned_edit, name="canned-edit"),
    path("canned/<int:canned_id>/delete/", views.canned_remove, name="canned-delete"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("<int:thread_id>/change/", views.thread_change, name="change"),
    path("<int:thread_id>/note/", views.thread_note, name="note"),
    path(
        "<int:thread_id>/messages/<int:message_id>/retry/",
        views.message_retry,
        name="retry",
    ),
]
