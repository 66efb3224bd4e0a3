"""The demo organisations' strategies, from their own documents.

КНМБ's goals come from its 2020 report (seed 001): 65 posts a year, 1195 friends added,
27 007 views, plans for more virtual exhibitions, polls and guest posts by experts, and
renewals and reference questions through the networks. ЦБС Медногорска's strategy
follows its lessons (seed 004): a page is a branch of the library, kept with regularity
and obligation, alive with photos, plain words and polls; its children's library, which
works with borrowers in debt, has a strategy of its own.
"""

from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import Membership
from vitrina.inbox.models import CannedAnswer
from vitrina.strategy import demo_links
from vitrina.strategy.health.base import PERIOD_DAYS
from vitrina.strategy.health.runs import health_digest_send, health_run_save
from vitrina.strategy.services import strategy_steps_save

# After the rubrics (content) and the canned answers (inbox) the strategy refers to.
DEMO_ORDER = 60


def _year_end(years_ahead: int = 1) -> str:
    return date(timezone.localdate().year + years_ahead, 12, 31).isoformat()


def _mid_year() -> str:
    return date(timezone.localdate().year + 1, 6, 30).isoformat()


def _member(context: dict, username: str, slug: str) -> int | None:
    found = Membership.objects.filter(
        user=context["users"][username], organisation=context["organisations"][slug]
    ).first()
    return found.pk if found else None


def _canned(slug: str, context: dict) -> list[int]:
    return list(
        CannedAnswer.objects.filter(organisation=context["organisations"][slug]).values_list(
            "pk", flat=True
        )
    )


def _knmb(context: dict) -> dict:
    return {
        "goals": {
            "purposes": ["communication", "support", "traffic"],
            "goals": [
                {
                    "title": "1500 новых подписчиков ВКонтакте (в 2020 году — 1195 друзей)",
                    "metric": "new_subscribers",
                    "network": "vk",
                    "baseline": 1195,
                    "target": 1500,
                    "deadline": _year_end(),
                },
                {
                    "title": "Три поста в неделю вместо 65 в год",
                    "metric": "posts_per_week",
                    "baseline": 1.3,
                    "target": 3,
                    "deadline": _mid_year(),
                },
                {
                    "title": "3000 просмотров в месяц (в 2020 году — 27 007 за год)",
                    "metric": "views_per_month",
                    "baseline": 2250,
                    "target": 3000,
                    "deadline": _year_end(),
                },
                {
                    "title": "Ответ на каждый вопрос и заявку на продление в течение рабочего дня",
                    "metric": "answered_in_time_share",
                    "target": 100,
                    "deadline": _mid_year(),
                },
                {
                    "title": "300 переходов в месяц на сайт и в электронный каталог",
                    "metric": "catalogue_visits",
                    "target": 300,
                    "deadline": _year_end(),
                },
            ],
        },
        "audience": {
            "geography": "Кемерово и весь Кузбасс: медицинские организации области.",
            "age_groups": ["young", "adults", "professionals"],
            "interests": (
                "Студенты медицинских вузов и колледжей, молодые специалисты, практикующий "
                "старший и средний медперсонал, организаторы здравоохранения: новые "
                "клинические рекомендации, учебники, история медицины Кузбасса, справки "
                "по литературе."
            ),
        },
        "networks": {
            "networks": [
                {
                    "network": "vk",
                    "reason": (
                        "Здесь страница и группа библиотеки с 2019 года; пользователи страницы "
                        "выросли в 3,5 раза с начала пандемии. Официальная страница обязательна."
                    ),
                },
                {
                    "network": "ok",
                    "reason": "Официальная страница обязательна для государственного учреждения.",
                },
                {"network": "max", "reason": "Продление книг и справки в личных сообщениях."},
                {"network": "telegram", "reason": "Только новости, без переписки с читателями."},
            ]
        },
        "content": {
            "tone": "personal",
            "tone_notes": "Научно точно, но простым языком; от первого лица библиотеки.",
            "picture_every_post": True,
            "photo_report_share": 20,
            "rubrics": [
                {"name": "Новые поступления", "target_per_week": 1, "days": [1], "hours": [10]},
                {"name": "Виртуальные выставки", "target_per_week": 1, "days": [3], "hours": [12]},
                {
                    "name": "Знаменательные даты в медицине",
                    "target_per_week": 2,
                    "days": [0, 4],
                    "hours": [11],
                },
                {"name": "Гостевые посты экспертов", "target_per_week": 0.5, "days": [2]},
                {"name": "Опросы", "target_per_week": 0.5, "days": [4], "hours": [16]},
                {"name": "Реклама услуг", "target_per_week": 0.5, "days": [2], "hours": [15]},
            ],
        },
        "communication": {
            "answer_working_days": 1,
            "negativity": (
                "Отзывы не удаляем. На критику отвечаем в тот же день спокойно и по существу, "
                "подробности — в личных сообщениях; жалобы ведёт заведующая отделом."
            ),
            "canned_answer_ids": _canned("knmb", context),
        },
        "resources": {
            "people": [
                {
                    "member_id": _member(context, "editor", "knmb"),
                    "work": "Контент-план, посты, утверждение",
                    "hours_per_week": 6,
                },
                {
                    "member_id": _member(context, "reference", "knmb"),
                    "work": "Ответы читателям, виртуальные справки, продление",
                    "hours_per_week": 5,
                },
                {
                    "member_id": _member(context, "author", "knmb"),
                    "work": "Виртуальные выставки и памятные даты",
                    "hours_per_week": 4,
                },
            ]
        },
        "pages": {
            "pages": [
                {"network": "vk", "kind": "public"},
                {"network": "ok", "kind": "group"},
                {"network": "max", "kind": "channel"},
                {"network": "telegram", "kind": "channel"},
            ]
        },
    }


def _mednogorsk(context: dict) -> dict:
    return {
        "goals": {
            "purposes": ["communication", "visits"],
            "goals": [
                {
                    "title": "Регулярно: три поста в неделю на каждой странице",
                    "metric": "posts_per_week",
                    "baseline": 1,
                    "target": 3,
                    "deadline": _mid_year(),
                },
                {
                    "title": "300 новых подписчиков в Одноклассниках (сейчас больше 2000 друзей)",
                    "metric": "new_subscribers",
                    "network": "ok",
                    "target": 300,
                    "deadline": _year_end(),
                },
                {
                    "title": "40 человек на мероприятиях по приглашениям из сетей",
                    "metric": "event_people",
                    "target": 40,
                    "deadline": _year_end(),
                },
            ],
        },
        "audience": {
            "geography": "Медногорск и его посёлки.",
            "age_groups": ["children", "teens", "adults", "seniors"],
            "interests": (
                "Городские праздники и мероприятия библиотек, новые книги, здоровый образ "
                "жизни, конкурсы и акции, платные услуги для учреждений города."
            ),
        },
        "networks": {
            "networks": [
                {
                    "network": "ok",
                    "reason": (
                        "Здесь страницы центральной, детской библиотек и филиала № 4: больше "
                        "2000 друзей. Официальная страница обязательна."
                    ),
                },
                {
                    "network": "vk",
                    "reason": "«Медногорский винил» отдела автоматизации; официальная страница.",
                },
            ]
        },
        "content": {
            "tone": "personal",
            "tone_notes": (
                "Страница — филиал библиотеки, а не визитка: живой неформальный язык, "
                "яркие фотографии, опросы и открытые вопросы читателям."
            ),
            "picture_every_post": True,
            "photo_report_share": 40,
            "rubrics": [
                {"name": "Афиша", "target_per_week": 2, "days": [0, 3], "hours": [11]},
                {"name": "Новые книги", "target_per_week": 1, "days": [2], "hours": [17]},
                {"name": "Фотоотчёты", "target_per_week": 1, "days": [4], "hours": [18]},
                {"name": "Опросы", "target_per_week": 0.5, "days": [5], "hours": [12]},
            ],
        },
        "communication": {
            "answer_working_days": 1,
            "negativity": "Отвечаем на каждое сообщение; обязательность — как в зале библиотеки.",
            "canned_answer_ids": _canned("mednogorsk", context),
        },
        "resources": {
            "people": [
                {
                    "member_id": _member(context, "demo", "mednogorsk"),
                    "work": "План, утверждение, страница «Медногорский винил»",
                    "hours_per_week": 3,
                },
                {
                    "member_id": _member(context, "branch4", "mednogorsk"),
                    "work": "Страница филиала № 4: мероприятия и услуги",
                    "hours_per_week": 3,
                },
            ]
        },
        "pages": {
            "pages": [{"network": "ok", "kind": "group"}, {"network": "vk", "kind": "public"}]
        },
    }


def _children(context: dict) -> dict:
    return {
        "audience": {
            "geography": "Медногорск: школы и детские сады города.",
            "age_groups": ["children", "teens", "adults"],
            "interests": "Дети, их родители и учителя: что почитать, конкурсы, праздники.",
        },
        "networks": {
            "networks": [{"network": "ok", "reason": "1400 друзей страницы с 2014 года."}]
        },
        "communication": {
            "answer_working_days": 1,
            "negativity": (
                "Должникам напоминаем о сроках вежливо и лично; продление — по просьбе в "
                "сообщениях."
            ),
        },
        "pages": {"pages": [{"network": "ok", "kind": "group"}]},
    }


def load(context: dict) -> None:
    admin = context["users"]["demo"]
    for slug, steps in (("knmb", _knmb), ("mednogorsk", _mednogorsk)):
        membership = Membership.objects.get(user=admin, organisation=context["organisations"][slug])
        strategy_steps_save(membership=membership, steps=steps(context))
    mednogorsk = context["organisations"]["mednogorsk"]
    membership = Membership.objects.get(user=admin, organisation=mednogorsk)
    children = mednogorsk.libraries.filter(short_name="Детская библиотека").first()
    if children is not None:
        strategy_steps_save(membership=membership, library=children, steps=_children(context))
    # Short links behind the posts' links to the library's site, with their clicks.
    demo_links.load(context)
    # The health checks of the demo's real posting history, and that week's digest. The
    # seeds' posts are of past years: the checks are taken at the end of that history (a
    # later «Проверить сейчас» checks the present weeks).
    for slug in ("knmb", "mednogorsk"):
        organisation = context["organisations"][slug]
        last = Variant.objects.filter(
            post__organisation=organisation, state=VariantState.PUBLISHED
        ).aggregate(last=Max("published_at"))["last"]
        now = timezone.now()
        if last is not None and last < now - timedelta(days=PERIOD_DAYS):
            now = last + timedelta(hours=1)
        run = health_run_save(organisation=organisation, now=now)
        health_digest_send(run=run, now=now)
