from django.urls import path

from vitrina.strategy import views
from vitrina.strategy.models import STEPS

app_name = "strategy"

# Each step's address; the networks step is at ``platforms/`` (URL names are the steps').
PATHS = {step: "platforms" if step == "networks" else step for step in STEPS}

urlpatterns = [
    path("", views.overview, name="overview"),
    path("strategy.docx", views.export, name="docx"),
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
