from django.urls import path

from vitrina.strategy import views, views_health
from vitrina.strategy.models import STEPS

app_name = "strategy"

# Each step's address; the networks step is at ``platforms/`` (URL names are the steps').
PATHS = {step: "platforms" if step == "networks" else step for step in STEPS}

urlpatterns = [
    path("", views.overview, name="overview"),
    path("strategy.docx", views.export, name="docx"),
    path("health/", views_health.health, name="health"),
    path("health/check/", views_health.health_check_now, name="health-check"),
    path("health/page-fact/", views_health.page_fact, name="health-page-fact"),
    path("libraries/new/", views.library_start, name="library-start"),
    path("libraries/<int:library_id>/", views.overview, name="library"),
    path("libraries/<int:library_id>/strategy.docx", views.export, name="library-docx"),
    *[path(f"{PATHS[step]}/", views.step, {"step": step}, name=step) for step in STEPS],
    *[
        path(
            f"libraries/<int:library_id>/{PATHS[step]}/",
            views.step,
            {"step": step},
            name=f"library-{step}",
        )
        for step in STEPS
    ],
]
