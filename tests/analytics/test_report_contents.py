"""What the annual report carries besides the networks' figures, read back from the exported
files: days in the channel's time zone, every month, inquiries answered, marks on figures
entered by hand and links to the best materials."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.analytics.test_seed_report import sections
from tests.factories import ChannelFactory, LibraryFactory, PostFactory, VariantFactory
from tests.inbox.test_views import write
from vitrina.analytics.export import report_csv, report_document, report_docx, report_xlsx
from vitrina.analytics.models import Report, Source
from vitrina.analytics.report import build_report
from vitrina.analytics.services.reports import report_save
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
    post_texts_save,
)
from vitrina.channels.networks import Kind
from vitrina.inbox.models import ReferenceInquiry
from vitrina.inbox.services import inquiries

pytestmark = pytest.mark.django_db

KEMEROVO = "Asia/Novokuznetsk"  # UTC+7


@pytest.fixture
def kemerovo(organisation, library):
    organisation.timezone = KEMEROVO
    organisation.save()
    library.timezone = KEMEROVO
    library.save()
    return ChannelFactory(
        library=library, timezone=KEMEROVO, external_id="128554301", url="https://vk.com/medlib42"
    )


def _report(organisation, admin, **kwargs):
    fields = {"title": "Отчёт за 2021 год", "date_from": date(2021, 1, 1)}
    fields.update(kwargs)
    fields.setdefault("date_to", date(2021, 12, 31))
    return report_save(organisation=organisation, actor=admin, **fields)


def _table(xlsx: bytes, start: str) -> list[tuple]:
    tables = sections(load_workbook(io.BytesIO(xlsx)).active)
    return next(body for title, body in tables.items() if str(title).startswith(start))


def test_a_post_at_two_at_night_on_new_year_counts_in_january(organisation, admin, kemerovo):
    # 02:00 on 1 January in Kemerovo is 19:00 on 31 December in UTC.
    post_snapshots_save(
        channel=kemerovo,
        figures=[
            PostFigures(
                external_id="5",
                taken_at=datetime(2022, 1, 10, tzinfo=UTC),
                published_at=datetime(2020, 12, 31, 19, 0, tzinfo=UTC),
                views=100,
            ),
            PostFigures(
                external_id="6",
                taken_at=datetime(2022, 1, 10, tzinfo=UTC),
                published_at=datetime(2021, 12, 31, 18, 0, tzinfo=UTC),  # 01:00 on 1.1.2022
                views=7,
            ),
        ],
    )
    data = build_report(_report(organisation, admin))
    assert data.channels[0].posts == 1
    assert data.best[0].published_at == date(2021, 1, 1)
    assert [month.month for month in data.months] == [date(2021, m, 1) for m in range(1, 13)]
    assert data.months[0][:3] == (date(2021, 1, 1), 1, 100)
    assert data.months[1][:3] == (date(2021, 2, 1), 0, 0)

    sheet = load_workbook(io.BytesIO(report_xlsx(data))).active
    months = sections(sheet)["Публикации и просмотры по месяцам"]
    # Twelve months and their total; a month is a date shown by its Russian name.
    assert len(months) == 14 and months[1][:3] == (datetime(2021, 1, 1), 1, 100)
    assert months[-1][:3] == ("Итого", 1, 100)
    formats = {c.number_format for row in sheet.iter_rows() for c in row if c.value == months[1][0]}
    assert formats == {"[$-419]MMMM YYYY", "DD.MM.YYYY"}  # the month, and a post's day
    best = _table(report_xlsx(data), "Лучшие материалы")
    assert best[1][2] == datetime(2021, 1, 1)  # a date, shown as 01.01.2021

    # The year before does not take the post.
    previous = build_report(
        _report(organisation, admin, date_from=date(2020, 1, 1), date_to=date(2020, 12, 31))
    )
    assert previous.channels[0].posts == 0 and previous.months[-1][:3] == (date(2020, 12, 1), 0, 0)


def test_a_variant_without_figures_counts_on_its_local_day(organisation, admin, kemerovo):
    VariantFactory(
        post=PostFactory(organisation=organisation),
        channel=kemerovo,
        external_id="77",
        published_at=datetime(2020, 12, 31, 20, 0, tzinfo=UTC),  # 03:00 on 1.1.2021
    )
    assert build_report(_report(organisation, admin)).channels[0].posts == 1


def _inquiry(channel, admin_membership, number, kind, answered_at):
    message = write(channel, number, reader=f"r{channel.pk}_{number}")
    inquiry = inquiries.inquiry_create(
        message=message, membership=admin_membership, kind=kind, topic=f"Тема {number}"
    )
    if answered_at:
        ReferenceInquiry.objects.filter(pk=inquiry.pk).update(answered_at=answered_at)


def test_the_report_counts_the_inquiries_answered(
    organisation, library, admin, admin_membership, kemerovo, admin_client
):
    branch = LibraryFactory(organisation=organisation, name="Библиотека-филиал № 4")
    branch_channel = ChannelFactory(library=branch)
    answered = datetime(2021, 5, 5, 10, 0, tzinfo=UTC)
    for number, kind in enumerate(["thematic", "factual", "factual", "address"]):
        _inquiry(kemerovo, admin_membership, number, kind, answered)
    _inquiry(branch_channel, admin_membership, 10, "clarifying", answered)
    _inquiry(kemerovo, admin_membership, 11, "thematic", None)  # not answered
    _inquiry(kemerovo, admin_membership, 12, "thematic", datetime(2022, 2, 1, tzinfo=UTC))
    # 03:00 on 1 January 2021 in Kemerovo: this year, though 2020 in UTC.
    _inquiry(kemerovo, admin_membership, 13, "address", datetime(2020, 12, 31, 20, tzinfo=UTC))

    data = build_report(_report(organisation, admin))
    xlsx, docx, csv_bytes = report_xlsx(data), report_docx(data), report_csv(data)
    table = _table(xlsx, "Выполненные справки")
    assert table[0][:6] == (
        "Библиотека",
        "Тематическая",
        "Адресная",
        "Уточняющая",
        "Фактографическая",
        "Итого",
    )
    rows = {row[0]: row[1:6] for row in table[1:]}
    assert rows == {
        "Библиотека-филиал № 4": (0, 0, 1, 0, 1),
        library.name: (1, 2, 0, 2, 5),
        "Итого": (1, 2, 1, 2, 6),
    }

    document = Document(io.BytesIO(docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(text.startswith("Выполненные справки") for text in headings)
    (inquiries,) = [t for t in document.tables if t.rows[0].cells[1].text == "Тематическая"]
    assert [cell.text for cell in inquiries.rows[-1].cells] == ["Итого", "1", "2", "1", "2", "6"]
    assert "Выполненные справки" in csv_bytes.decode("utf-8-sig")
    # The page shows the inbox's section too.
    report = Report.objects.get(title="Отчёт за 2021 год")
    page = admin_client.get(
        reverse("analytics:report", kwargs={"org": organisation.slug, "report_id": report.pk})
    ).content.decode()
    assert "<h2>Выполненные справки, 01.01.2021 – 31.12.2021</h2>" in page
    assert '<th scope="col">Фактографическая</th>' in page
    assert "<td>Итого</td><td>1</td><td>2</td><td>1</td><td>2</td><td>6</td>" in page

    # A library's report counts its own inquiries only.
    own = report_document(build_report(_report(organisation, admin, library=branch, title="Ф")))
    (section,) = [s for s in own.sections if s.heading.startswith("Выполненные справки")]
    assert section.rows[-1] == ["Итого", 0, 0, 1, 0, 1]


def test_figures_entered_by_hand_are_marked(organisation, admin, kemerovo, library):
    profile = ChannelFactory(library=library, kind=Kind.PROFILE, timezone=KEMEROVO)
    account_snapshots_save(
        channel=kemerovo,
        figures=[AccountFigures(day=date(2021, 3, 1), followers=480, visitors=3, joined=2)],
    )
    account_snapshots_save(
        channel=kemerovo,
        figures=[AccountFigures(day=date(2021, 6, 1), followers=490, visitors=5)],
        source=Source.MANUAL,
    )
    account_snapshots_save(
        channel=profile, figures=[AccountFigures(day=date(2021, 6, 1), followers=90, visitors=4)]
    )
    data = build_report(_report(organisation, admin))
    xlsx, docx, csv_bytes = report_xlsx(data), report_docx(data), report_csv(data)

    sheet = load_workbook(io.BytesIO(xlsx)).active
    by_value = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in (490, 8, 90, 4, 12):
                by_value.setdefault(cell.value, []).append(cell.number_format)
    # Table 1's subscribers and visits (the growth table shows the count again, unmarked).
    # The mark is in the number format (digits grouped by three): the number stays a number.
    assert by_value[490] == ['#,##0"*"', "#,##0"] and by_value[8] == ['#,##0"*"']
    assert set(by_value[90]) == set(by_value[4]) == {"#,##0"}  # the network's
    assert by_value[12] == ['#,##0"*"']  # the network's total of visits takes the hand's days
    texts = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert any(str(text).startswith("* Введено вручную или импортировано") for text in texts)

    document = Document(io.BytesIO(docx))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"490*", "8*", "12*", "90", "4"} <= cells
    assert any(p.text.startswith("* Введено вручную") for p in document.paragraphs)

    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    table1 = next(i for i, row in enumerate(rows) if row[:1] and row[0].startswith("Таблица 1"))
    header = rows[table1 + 1]
    assert header[-1] == "Источник"
    body = {row[1].split("\n")[-1]: row for row in rows[table1 + 2 : table1 + 4]}
    assert body["https://vk.com/medlib42"][5:7] == ["490", "8"]
    assert body["https://vk.com/medlib42"][-1] == (
        "Введено вручную или импортировано: Друзья / подписчики, Посещения"
    )
    assert body[profile.url][-1] == "Из соцсети"

    assert data.has_marks
    assert not build_report(
        _report(organisation, admin, library=LibraryFactory(organisation=organisation))
    ).has_marks


def test_the_page_marks_and_links(admin_client, organisation, admin, kemerovo):
    account_snapshots_save(
        channel=kemerovo,
        figures=[AccountFigures(day=date(2021, 6, 1), followers=490)],
        source=Source.IMPORT,
    )
    variant = VariantFactory(
        post=PostFactory(organisation=organisation, text="Выставка к юбилею Бакулева"),
        channel=kemerovo,
        external_id="31",
        external_url="https://vk.com/wall-128554301_31",
        published_at=datetime(2021, 11, 7, 4, 0, tzinfo=UTC),
    )
    taken = datetime(2022, 1, 10, tzinfo=UTC)
    post_snapshots_save(
        channel=kemerovo,
        figures=[
            PostFigures(
                external_id="31",
                taken_at=taken,
                views=1200,
                variant_id=variant.pk,
                published_at=variant.published_at,
            ),
            # A post made on the wall directly: its address is made from the ids.
            PostFigures(
                external_id="40",
                taken_at=taken,
                views=900,
                published_at=datetime(2021, 3, 1, 5, tzinfo=UTC),
            ),
            # Known only by its day and text: no address to give.
            PostFigures(
                external_id="text-abc",
                taken_at=taken,
                views=10,
                published_at=datetime(2021, 3, 2, 5, tzinfo=UTC),
            ),
        ],
    )
    report = _report(organisation, admin)
    page = admin_client.get(
        reverse("analytics:report", kwargs={"org": organisation.slug, "report_id": report.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="https://vk.com/wall-128554301_31"' in html
    assert '<a href="https://vk.com/wall-128554301_40"' in html
    assert "490<sup" in html and "Введено вручную или импортировано из файла" in html

    data = build_report(report)
    best = _table(report_xlsx(data), "Лучшие материалы")
    sheet = load_workbook(io.BytesIO(report_xlsx(data))).active
    links = {
        cell.value: cell.hyperlink.target
        for row in sheet.iter_rows()
        for cell in row
        if cell.hyperlink
    }
    # Named by their first words; one made on the wall, whose text Vitrina has not, by its day.
    assert links == {
        "Выставка к юбилею Бакулева": "https://vk.com/wall-128554301_31",
        "Пост от 01.03.2021": "https://vk.com/wall-128554301_40",
    }
    assert best[1][0] == "Выставка к юбилею Бакулева"
    document = Document(io.BytesIO(report_docx(data)))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert {"https://vk.com/wall-128554301_31", "https://vk.com/wall-128554301_40"} <= targets
    docx_cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert {"Пост от 01.03.2021", "Пост от 02.03.2021"} <= docx_cells

    # Once a collection has read the wall's text, the post is named by its first words.
    post_texts_save(channel=kemerovo, texts={"40": "Читаем вместе: зимние вечера с книгой"})
    names = {row.title for row in build_report(report).best}
    assert "Читаем вместе: зимние вечера с книгой" in names
    assert "Пост от 01.03.2021" not in names


def test_no_data_says_why_from_the_networks_facts(organisation, admin, library, admin_client):
    from vitrina.channels.networks import Network

    telegram = ChannelFactory(
        library=library, network=Network.TELEGRAM, kind=Kind.CHANNEL, name="Новости библиотеки"
    )
    profile = ChannelFactory(
        library=library, network=Network.OK, kind=Kind.PROFILE, name="Профиль библиотеки"
    )
    silent = ChannelFactory(library=library, name="Группа без цифр")
    # Telegram gives today's subscribers only: the count is there, the visits are not.
    account_snapshots_save(
        channel=telegram, figures=[AccountFigures(day=date(2021, 12, 20), followers=1014)]
    )
    data = build_report(_report(organisation, admin))
    table1 = _table(report_xlsx(data), "Таблица 1")
    rows = {row[1].split("\n")[0]: row for row in table1[1:] if row[1]}
    assert rows[telegram.name][5:7] == (1014, "нет данных")
    assert rows[profile.name][5:7] == ("нет данных", "нет данных")
    assert rows[silent.name][5:7] == ("нет данных", "нет данных")
    assert rows[silent.name][7] == "за период постов нет"
    document = Document(io.BytesIO(report_docx(data)))
    (note,) = [p.text for p in document.paragraphs if p.text.startswith("«нет данных»")]
    assert note.split("\n") == [  # the channels in their order: by network
        f"«нет данных» у канала «{profile.name}» (Одноклассники): Одноклассники дают "
        "статистику только группам, не личным профилям.",
        f"«нет данных» у канала «{telegram.name}» (Telegram): Bot API Telegram не даёт "
        "статистики канала, кроме числа подписчиков.",
        f"«нет данных» у канала «{silent.name}» (ВКонтакте): число ещё не собрано и не "
        "введено: подключите канал для сбора статистики или введите цифры вручную.",
    ]
    # No network tells its visits: nor does the total.
    totals = _table(report_xlsx(data), "Итоги по сетям")
    total = dict(zip(totals[0], totals[-1], strict=False))
    assert total["Сеть"] == "Итого" and total["Посещения"] == "нет данных"
    # The page gives each reason its own line.
    page = admin_client.get(
        reverse("analytics:report", kwargs={"org": organisation.slug, "report_id": data.report.pk})
    ).content.decode()
    assert "личным профилям.<br>«нет данных» у канала" in page


def test_growth_runs_only_between_real_readings(organisation, admin, library, kemerovo):
    later = ChannelFactory(library=library, url="https://vk.com/later", name="Позже прочитанный")
    once = ChannelFactory(library=library, url="https://vk.com/once", name="Прочитанный раз")
    for channel, readings in [
        # A count from years before never starts the period.
        (kemerovo, [(date(2019, 5, 1), 100), (date(2021, 1, 1), 400), (date(2021, 12, 31), 600)]),
        (later, [(date(2021, 3, 12), 50), (date(2021, 12, 1), 75)]),
        (once, [(date(2018, 1, 1), 10), (date(2021, 12, 2), 2540)]),
    ]:
        account_snapshots_save(
            channel=channel,
            figures=[AccountFigures(day=day, followers=count) for day, count in readings],
            source=Source.IMPORT,
        )
    data = build_report(_report(organisation, admin))
    rows = {row.channel: row for row in data.growth}
    full = rows[kemerovo.name]
    assert (full.day_from, full.followers_from, full.followers_to, full.factor, full.note) == (
        date(2021, 1, 1),
        400,
        600,
        1.5,
        "",
    )
    started = rows[later.name]
    assert (started.day_from, started.followers_from, started.day_to) == (
        date(2021, 3, 12),
        50,
        date(2021, 12, 1),
    )
    assert started.note == "первое измерение — 12.03.2021"
    single = rows[once.name]
    assert single.followers_from is None and single.factor is None
    assert single.followers_to == 2540
    assert "02.12.2021" in single.note and "одно измерение" in single.note

    growth = _table(report_xlsx(data), "Рост числа подписчиков")
    assert any(cell == "первое измерение — 12.03.2021" for row in growth for cell in row)
