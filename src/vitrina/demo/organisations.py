"""Organisations, libraries, people and channels of the demo.

Figures come from the libraries' own reports: the Kuzbass scientific medical library
(Table 1 of its 2020 report) and the Mednogorsk library system (its OK and VK pages).
"""

from datetime import date
from decimal import Decimal

from vitrina.channels.models import Channel
from vitrina.channels.networks import Kind, Network
from vitrina.channels.services import channel_create
from vitrina.core.models import Library, Membership, Organisation, User
from vitrina.core.roles import Role
from vitrina.core.services import library_create, organisation_create, user_create

DEMO_PASSWORD = "demo"

KNMB = {
    "slug": "knmb",
    "name": "Кузбасская научная медицинская библиотека",
    "kind": Organisation.Kind.LIBRARY,
    "timezone": "Asia/Novokuznetsk",
}
MEDNOGORSK = {
    "slug": "mednogorsk",
    "name": "ЦБС Медногорска",
    "kind": Organisation.Kind.LIBRARY_SYSTEM,
    "timezone": "Asia/Yekaterinburg",
}

# (username, full name, e-mail, {organisation slug: role})
PEOPLE = [
    (
        "demo",
        "Демо Администратор",
        "demo@example.org",
        {"knmb": Role.ADMIN, "mednogorsk": Role.ADMIN},
    ),
    ("editor", "Ирина Редакторова", "editor@example.org", {"knmb": Role.EDITOR}),
    (
        "author",
        "Анна Авторова",
        "author@example.org",
        {"knmb": Role.AUTHOR, "mednogorsk": Role.AUTHOR},
    ),
    ("reference", "Ольга Справкина", "reference@example.org", {"knmb": Role.REFERENCE}),
    (
        "analyst",
        "Павел Цифров",
        "analyst@example.org",
        {"knmb": Role.ANALYST, "mednogorsk": Role.ANALYST},
    ),
    ("branch4", "Светлана Филиалова", "branch4@example.org", {"mednogorsk": Role.EDITOR}),
]


def _people() -> dict[str, User]:
    users = {}
    for username, full_name, email, _roles in PEOPLE:
        users[username] = user_create(
            username=username, password=DEMO_PASSWORD, email=email, full_name=full_name
        )
    users["demo"].is_staff = True
    users["demo"].is_superuser = True
    users["demo"].save(update_fields=["is_staff", "is_superuser"])
    return users


def _members(organisation: Organisation, users: dict[str, User]) -> None:
    for username, _name, _email, roles in PEOPLE:
        role = roles.get(organisation.slug)
        if role and username != "demo":
            Membership.objects.create(user=users[username], organisation=organisation, role=role)


def _knmb(admin: User) -> tuple[Organisation, dict[str, Library]]:
    organisation = organisation_create(admin=admin, **KNMB)
    library = library_create(
        organisation=organisation,
        actor=admin,
        name="Кузбасская научная медицинская библиотека",
        short_name="КНМБ",
        website_url="https://medlib42.ru",
    )

    def create(**fields):
        return channel_create(organisation=organisation, actor=admin, library=library, **fields)

    audience = (
        "Студенты медицинских вузов и колледжей, молодые специалисты, практикующий "
        "старший и средний медперсонал, организаторы здравоохранения Кузбасса."
    )
    create(
        network=Network.VK,
        kind=Kind.PROFILE,
        name="КНМБ ВКонтакте (страница)",
        url="https://vk.com/id547852393",
        created_on=date(2019, 6, 6),
        posts_per_week=Decimal("7"),
        subscribers=2025,
        visits=2239,
        audience_notes=audience,
    )
    create(
        network=Network.VK,
        kind=Kind.GROUP,
        name="Кузбасская научная медицинская библиотека",
        url="https://vk.com/medlib42",
        created_on=date(2019, 6, 6),
        posts_per_week=Decimal("4.5"),
        subscribers=490,
        visits=1386,
        audience_notes=audience,
    )
    # Telegram and MAX are not in the seed registry; the demo has them so that every network
    # can be tried (and their sandbox channels are these).
    create(
        network=Network.TELEGRAM,
        kind=Kind.CHANNEL,
        name="КНМБ: новости",
        url="https://t.me/medlib42_news",
        audience_notes=audience,
    )
    create(
        network=Network.MAX,
        kind=Kind.CHANNEL,
        name="КНМБ",
        url="https://max.ru/medlib42",
        audience_notes=audience,
    )
    create(
        network=Network.OTHER,
        kind=Kind.PROFILE,
        name="Instagram medlib42",
        url="https://www.instagram.com/medlib42/",
        created_on=date(2019, 6, 1),
        audience_notes="Аккаунт ведётся для учёта; публикации — в рамках виртуальных проектов.",
    )
    return organisation, {"main": library}


def _mednogorsk(admin: User) -> tuple[Organisation, dict[str, Library]]:
    organisation = organisation_create(admin=admin, **MEDNOGORSK)
    central = library_create(
        organisation=organisation,
        actor=admin,
        name="Центральная городская библиотека",
        short_name="ЦГБ",
    )
    children = library_create(
        organisation=organisation,
        actor=admin,
        name="Центральная городская детская библиотека",
        short_name="Детская библиотека",
        parent=central,
    )
    branch4 = library_create(
        organisation=organisation,
        actor=admin,
        name="Библиотека-филиал № 4",
        short_name="Филиал № 4",
        parent=central,
    )

    def create(**fields):
        return channel_create(organisation=organisation, actor=admin, **fields)

    create(
        library=central,
        network=Network.OK,
        kind=Kind.PROFILE,
        name="Центральная библиотека Медногорска",
        url="http://ok.ru/profile/561588730013",
        created_on=date(2014, 1, 1),
        subscribers=600,
        audience_notes=(
            "Жители города; отчёты о мероприятиях, афиши, конкурсы, списки новой литературы."
        ),
    )
    create(
        library=children,
        network=Network.OK,
        kind=Kind.PROFILE,
        name="Детская библиотека",
        url="https://ok.ru/group/70000001234567",
        created_on=date(2014, 1, 1),
        subscribers=1400,
        audience_notes="Дети и родители; работа с должниками: сроки сдачи книг, продление.",
    )
    create(
        library=branch4,
        network=Network.OK,
        kind=Kind.PROFILE,
        name="Библиотека-филиал № 4",
        url="http://ok.ru/profile/569188750053",
        subscribers=40,
        audience_notes="Мероприятия и услуги филиала.",
    )
    create(
        library=central,
        network=Network.VK,
        kind=Kind.PUBLIC_PAGE,
        name="Медногорский винил",
        url="https://vk.com/vinilius",
        created_on=date(2014, 1, 1),
        audience_notes="Работы отдела автоматизации центральной городской библиотеки.",
    )
    for network, url in (
        (Network.TELEGRAM, "https://t.me/mednogorsk_library"),
        (Network.MAX, "https://max.ru/mednogorsk_library"),
    ):
        create(
            library=central,
            network=network,
            kind=Kind.CHANNEL,
            name="Библиотеки Медногорска",
            url=url,
            audience_notes="Жители города: афиши, новые книги, ответы на вопросы читателей.",
        )
    return organisation, {"central": central, "children": children, "branch4": branch4}


def load() -> dict:
    users = _people()
    admin = users["demo"]
    knmb, knmb_libraries = _knmb(admin)
    mednogorsk, mednogorsk_libraries = _mednogorsk(admin)
    _members(knmb, users)
    _members(mednogorsk, users)
    branch_editor = Membership.objects.get(user=users["branch4"], organisation=mednogorsk)
    branch_editor.libraries.set([mednogorsk_libraries["branch4"]])
    return {
        "users": users,
        "organisations": {"knmb": knmb, "mednogorsk": mednogorsk},
        "libraries": {**knmb_libraries, **mednogorsk_libraries},
        "channels": list(Channel.objects.filter(organisation__in=[knmb, mednogorsk])),
    }
