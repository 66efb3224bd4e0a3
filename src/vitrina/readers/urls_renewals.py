from django.urls import path

from vitrina.readers.views import renewals

urlpatterns = [
    path("renewals/", renewals.renewal_queue, name="renewals"),
    path("renewals/<int:renewal_id>/confirm/", renewals.renewal_confirm, name="renewal-confirm"),
    path("renewals/<int:renewal_id>/refuse/", renewals.renewal_refuse, name="renewal-refuse"),
    path(
        "renewals/conversations/<int:thread_id>/renew/",
        renewals.thread_renew,
        name="thread-renew",
    ),
]
