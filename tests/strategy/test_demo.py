import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from vitrina.core.models import Organisation
from vitrina.demo.build import build_demo
from vitrina.strategy.models import Strategy
from vitrina.strategy.selectors import strategy_data

pytestmark = pytest.mark.django_db


def test_both_demo_organisations_have_a_strategy_from_their_seeds(settings, client):
    settings.DEMO_MODE = True
    context = build_demo()
    knmb = Organisation.objects.get(slug="knmb")
    mednogorsk = Organisation.objects.get(slug="mednogorsk")
    ours = Strategy.objects.get(organisation=knmb, library__isnull=True)
    data = strategy_data(ours)
    assert len(data["steps_done"]) == 7
    goals = data["goals"]["goals"]
    assert goals[0]["baseline"] == 1195 and goals[0]["network"] == "vk"  # seed 001
    assert "catalogue_visits" in {goal["metric"] for goal in goals}
    rubrics = {row["name"] for row in data["content"]["rubrics"]}
    assert {"Гостевые посты экспертов", "Опросы", "Виртуальные выставки"} <= rubrics
    assert data["communication"]["canned_answer_ids"]
    theirs = Strategy.objects.get(organisation=mednogorsk, library__isnull=True)
    assert theirs.picture_every_post and "филиал" in theirs.tone_notes  # seed 004's lesson
    assert Strategy.objects.filter(organisation=mednogorsk, library__isnull=False).count() == 1
    client.force_login(context["users"]["demo"])
    answer = client.get(reverse("strategy:docx", kwargs={"org": "knmb"}))
    word = WordDocument(io.BytesIO(answer.content))
    assert "Кузбасс" in "\n".join(p.text for p in word.paragraphs)
    page = client.get(reverse("strategy:overview", kwargs={"org": "knmb"}))
    # КНМБ's VK page is a personal profile: the overview says so.
    assert "КНМБ ВКонтакте (страница)" in page.content.decode()
