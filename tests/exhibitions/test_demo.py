import pytest
from django.urls import reverse

from vitrina.demo.build import build_demo
from vitrina.exhibitions.models import Exhibition

pytestmark = pytest.mark.django_db


def test_demo_has_knmbs_five_exhibitions_one_public(settings, client):
    settings.DEMO_MODE = True
    build_demo()
    exhibitions = Exhibition.objects.filter(organisation__slug="knmb")
    assert set(exhibitions.values_list("title", flat=True)) == {
        "Знаменательные даты в медицине",
        "Ультразвуковая диагностика: новые книги по вопросам УЗИ, поступившие в КНМБ в 2020 году",
        "COVID-19: этиология, патогенез, диагностика и лечение",
        "Галерея новинок: книги, поступившие в КНМБ в ноябре 2020 года",
        "Медики в годы ВОВ",
    }
    assert all(exhibition.books.exists() for exhibition in exhibitions)
    published = exhibitions.get(published_at__isnull=False)
    response = client.get(
        reverse("exhibition-public", kwargs={"org_slug": "knmb", "slug": published.slug})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Бакулев А. Н." in body and "Туснолобова-Марченко" in body
