"""Post search finds Russian words in any case and grammatical form, on every database."""

import pytest

from tests.factories import PostFactory
from vitrina.content.selectors import PostFilter, post_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(organisation):
    made = {
        "heart": PostFactory(organisation=organisation, title="Сердце отдаю детям", text=""),
        "hearts": PostFactory(organisation=organisation, title="", text="Два сердца и книга."),
        "tree": PostFactory(organisation=organisation, title="Ёлка в библиотеке", text=""),
        "other": PostFactory(organisation=organisation, title="Весна", text="Стихи о весне"),
        "latin": PostFactory(organisation=organisation, title="", text="Встреча #BookClub"),
    }
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("сердце", {"heart", "hearts"}),
        ("СЕРДЦЕ", {"heart", "hearts"}),
        ("сердцем", {"heart", "hearts"}),
        ("елка", {"tree"}),
        ("ёлки", {"tree"}),
        ("сердце книга", {"hearts"}),
        ("bookclub", {"latin"}),
        ("#BookClub", {"latin"}),
        ("весной", {"other"}),
        ("зима", set()),
    ],
)
def test_post_search_ignores_case_and_word_forms(admin_membership, posts, query, expected):
    found = post_list(membership=admin_membership, filters=PostFilter(query=query))
    names = {name for name, post in posts.items() if post in set(found)}
    assert names == expected
