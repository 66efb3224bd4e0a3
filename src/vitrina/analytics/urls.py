from django.urls import path

from vitrina.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("posts/", views.dashboard_posts, name="posts"),
    path("collect/", views.collect_organisation_now, name="collect"),
    path("channels/<int:channel_id>/collect/", views.collect_channel_now, name="collect-channel"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_edit, name="report-create"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report-edit"),
    *[
        path(
            f"reports/<int:report_id>/report.{fmt}",
            views.report_export,
            {"fmt": fmt},
            name=f"report-{fmt}",
        )
        for fmt in views.EXPORTS
    ],
    path("channels/<int:channel_id>/figures/", views.channel_figures, name="figures"),
    path(
        "channels/<int:channel_id>/post-figures/",
        views.channel_post_figures,
        name="post-figures",
    ),
]
