import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.images import image_bytes
from vitrina.content import importing
from vitrina.content.models import GuestLink, Post
from vitrina.content.services import guests as guest_services
from vitrina.content.services import importing as import_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import templates as template_services
from vitrina.content.states import VariantState
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Notification


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_plan_imports_good_rows_and_reports_bad_ones(editor, channel, telegram, rubric):
    data = workbook(
        [
            ["Дата", "Время", "Каналы", "Рубрика", "Текст", "Картинки"],
            [
                datetime(2030, 5, 7),
                "10:00",
                f"{channel.name}, {telegram.url}",
                rubric.name,
                "Новые книги",
                "cover.png",
            ],
            ["08.05.2030", "", channel.name, "", "Без картинки", ""],
            ["09.05.2030", "12:00", "Нет такого канала", "", "Текст", ""],
            ["32.05.2030", "12:00", channel.name, "", "Текст", ""],
            ["10.05.2030", "12:00", channel.name, "Нет рубрики", "Текст", ""],
            ["11.05.2030", "12:00", channel.name, "", "Текст", "missing.png"],
            ["12.05.2030", "12:00", channel.name, "", "", ""],
        ]
    )
    report = import_services.plan_import(
        membership=editor,
        rows=importing.read_rows(data, "plan.xlsx"),
        images={"cover.png": image_bytes()},
        schedule=True,
    )
    assert [number for number, _post in report.imported] == [2, 3]
    assert [number for number, _message in report.errors] == [4, 5, 6, 7, 8]
    assert "Нет такого канала" in report.errors[0][1]
    first = report.imported[0][1]
    assert first.scheduled_at == datetime(2030, 5, 7, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    assert first.variants.count() == 2 and first.media_items.count() == 1
    assert {v.state for v in first.variants.all()} == {VariantState.SCHEDULED}
    # Nothing of a failed row is left behind.
    assert Post.objects.count() == 2
    assert report.imported[1][1].scheduled_at.astimezone(ZoneInfo("Europe/Moscow")).hour == 10


def test_csv_plan_with_semicolons(author, channel):
    data = f"дата;время;каналы;текст\n07.05.2030;09:30;{channel.name};Текст из CSV\n"
    report = import_services.plan_import(
        membership=author,
        rows=importing.read_rows(data.encode("utf-8-sig"), "plan.csv"),
        images={},
    )
    [(_number, post)] = report.imported
    assert post.text == "Текст из CSV" and post.variants.get().state == VariantState.DRAFT


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"x", "plan.pdf"), (b"not a workbook", "plan.xlsx"), (b"a,b\n1,2\n", "plan.csv")],
)
def test_unreadable_plans_are_refused(editor, data, name):
    with pytest.raises(ServiceError):
        import_services.plan_import(
            membership=editor, rows=importing.read_rows(data, name), images={}
        )


def test_import_page(client, editor, organisation, channel):
    client.force_login(editor.user)
    url = f"/o/{organisation.slug}/posts/import/"
    assert client.get(url).status_code == 200
    data = workbook([["date", "channels", "text"], ["07.05.2030", channel.name, "Текст"]])
    response = client.post(url, {"file": SimpleUploadedFile("plan.xlsx", data)})
    assert response.status_code == 200 and Post.objects.count() == 1
    response = client.post(url, {"file": SimpleUploadedFile("plan.txt", b"x")})
    assert "XLSX" in response.content.decode()


def test_guest_link_is_used_once(client, editor, organisation, library):
    _link, token = guest_services.guest_link_create(
        organisation=organisation, actor=editor.user, note="Читательница Анна", library=library
    )
    assert GuestLink.objects.get().token_hash != token
    url = f"/guest/{token}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "text": ""})
    assert response.status_code == 200 and not Post.objects.exists()
    response = client.post(
        url,
        {
            "name": "Анна",
            "text": "Моя любимая книга о войне",
            "images": [SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")],
        },
    )
    assert response.status_code == 200
    post = Post.objects.get()
    assert post.source == Post.Source.GUEST and post.guest_name == "Анна"
    assert post.library == library and post.media_items.count() == 1
    assert Notification.objects.filter(user=editor.user, url__contains=str(post.pk)).exists()
    assert client.get(url).status_code == 410
    assert client.get("/guest/nonsense/").status_code == 410


def test_guest_links_page_is_for_editors(client, editor, author, organisation):
    client.force_login(author.user)
    assert client.get(f"/o/{organisation.slug}/guest-links/").status_code == 403
    client.force_login(editor.user)
    response = client.post(f"/o/{organisation.slug}/guest-links/", {"note": "Клуб"})
    assert "/guest/" in response.content.decode()


def test_templates_fill_placeholders(client, editor, organisation, library, channel, rubric):
    library.website_url = "https://lib.example.ru"
    library.save()
    template_services.template_save(
        organisation=organisation,
        actor=editor.user,
        name="Новинки",
        rubric=rubric,
        text="{библиотека} — новинки на {дата}. {сайт}",
    )
    post = post_services.post_create(
        organisation=organisation,
        actor=editor.user,
        channels=[channel],
        library=library,
        text="{библиотека} — новинки на {дата}. {сайт}",
        scheduled_at=datetime(2030, 5, 7, 10, tzinfo=ZoneInfo("Europe/Moscow")),
    )
    assert post.text.startswith(f"{library.name} — новинки на 07.05.2030. https://lib.example.ru")
    client.force_login(editor.user)
    page = client.get(f"/o/{organisation.slug}/templates/").content.decode()
    assert "Новинки" in page
    composer = client.get(f"/o/{organisation.slug}/posts/new/").content.decode()
    assert "template-picker" in composer


def test_autosave_creates_then_updates_a_draft(client, author, organisation, channel):
    client.force_login(author.user)
    response = client.post(
        f"/o/{organisation.slug}/posts/autosave/",
        {"channels": [channel.pk], "text": "Черновик"},
        HTTP_ACCEPT="application/json",
    )
    payload = response.json()
    post = Post.objects.get(pk=payload["post_id"])
    assert post.text == "Черновик" and post.variants.get().state == VariantState.DRAFT
    client.post(payload["autosave_url"], {"channels": [channel.pk], "text": "Черновик 2"})
    post.refresh_from_db()
    assert post.text == "Черновик 2" and Post.objects.count() == 1
    response = client.post(payload["autosave_url"], {"text": "x", "scheduled_at": "потом"})
    assert response.status_code == 400 and "scheduled_at" in response.json()["error"]["details"]


def test_missing_plan_columns_are_named_in_the_persons_language(editor):
    from django.utils import translation

    data = "Рубрика;Время\nКниги;10:00\n".encode()
    for language, expected in (("ru", "дата, каналы, текст"), ("en", "date, channels, text")):
        with translation.override(language), pytest.raises(ServiceError) as error:
            import_services.plan_import(
                membership=editor, rows=importing.read_rows(data, "plan.csv"), images={}
            )
        assert error.value.message.endswith(expected + ".")


def test_a_utf16_plan_is_read(editor, channel):
    data = f"date;channels;text\n07.05.2030;{channel.name};Текст\n".encode("utf-16")
    rows = importing.read_rows(data, "plan.csv")
    assert rows[1][2] == "Текст"


def test_placeholders_are_named_in_the_interfaces_language(client, editor, organisation, library):
    from django.conf import settings

    from tests.factories import PostFactory
    from vitrina.content.services.templates import fill_placeholders

    client.force_login(editor.user)
    from django.urls import reverse

    address = reverse("content:templates", kwargs={"org": organisation.slug})
    russian = client.get(address).content.decode()
    assert "{библиотека}" in russian and "{library}" not in russian
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(address).content.decode()
    assert "{library}" in english and "{библиотека}" not in english
    post = PostFactory(organisation=organisation, library=library)
    assert fill_placeholders("{library} / {библиотека}", post) == f"{library.name} / {library.name}"


def test_the_telegram_note_follows_the_language(networks, connect):
    from django.utils import translation

    from vitrina.channels.connect import channel_check_connection
    from vitrina.channels.networks import Network

    channel = connect(Network.TELEGRAM)
    with translation.override("en"):
        note = channel_check_connection(channel=channel, actor=None).details["note"]
    assert note.startswith("Telegram gives no statistics")
    with translation.override("ru"):
        note = channel_check_connection(channel=channel, actor=None).details["note"]
    assert note.startswith("Telegram не даёт статистики")
