from django.urls import path

from vitrina.strategy import views
from vitrina.strategy.models import STEPS

app_name = "strategy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("strategy.docx", views.export, name="docx"),
    path("libraries/new/", views.library_start, name="library-start"),
    path("libraries/<int:library_id>/", views.overview, name="library"),
    path("libraries/<int:library_id>/strategy.docx", views.export, name="library-docx"),
    *[path(f"{step}/", views.step, {"step": step}, name=step) for step in STEPS],
    *[
        path(
            f"libraries/<int:library_id>/{step}/",
            views.step,
            {"step": step},
            name=f"library-{step}",
        )
        for step in STEPS
    ],
]
