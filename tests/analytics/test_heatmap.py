"""The heatmap: every hour a column, shades readable by WCAG AA, the scale told."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from tests.analytics.test_dashboard import _fill
from vitrina.analytics import dashboard
from vitrina.analytics.services.snapshots import PostFigures, post_snapshots_save

CSS = Path(dashboard.__file__).parent / "static" / "analytics" / "analytics.css"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_shade_keeps_its_numbers_readable():
    rules = {
        int(level): (background, text)
        for level, background, text in re.findall(
            r"td\.level-(\d) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}",
            CSS.read_text(),
        )
    }
    assert set(rules) == set(range(dashboard.LEVELS + 1))
    for level, (background, text) in rules.items():
        assert _contrast(background, text) >= 4.5, (level, background, text)
    # The WCAG formula itself: black on white is 21:1.
    assert round(_contrast("#000000", "#ffffff"), 1) == 21.0


def test_the_shades_run_from_the_least_to_the_most_seen_hour():
    assert dashboard._level(None, 10, 90) == 0
    assert dashboard._level(10, 10, 90) == 1
    assert dashboard._level(90, 10, 90) == dashboard.LEVELS
    levels = [dashboard._level(v, 10, 90) for v in range(10, 91)]
    assert levels == sorted(levels) and set(levels) == set(range(1, dashboard.LEVELS + 1))
    assert dashboard._level(50, 50, 50) == 3  # one value: the middle shade


@pytest.mark.django_db
def test_the_heatmap_has_24_hours_and_its_scale(admin_client, organisation, library):
    channel = _fill(organisation, library, 1)  # five posts at 13:00 in Moscow
    # Posts made on the network at midnight, 7:00 and 23:00, seen less and more.
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(
                external_id=f"n{hour}",
                taken_at=datetime(2025, 1, 20, 12, tzinfo=UTC),
                published_at=datetime(2025, 1, 6, hour, tzinfo=UTC) - timedelta(hours=3),
                views=views,
                likes=1,
            )
            for hour, views in ((0, 40), (7, 5000), (23, 300))
        ],
    )
    response = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        {"date_from": "2025-01-01", "date_to": "2025-02-09"},
    )
    heatmap = response.context["board"].heatmap
    assert heatmap["hours"] == list(range(24))
    assert all(
        [cell["hour"] for cell in row["cells"]] == list(range(24)) for row in heatmap["rows"]
    )
    text = response.content.decode()
    table = text[
        text.index('<table class="heatmap"') : text.index(
            "</table>", text.index('<table class="heatmap"')
        )
    ]
    head = table[: table.index("</thead>")]
    assert re.findall(r"<abbr[^>]*>(\d+)</abbr>", head) == [str(hour) for hour in range(24)]
    assert table.count("<td") == 7 * 24
    shaded = [cell for row in heatmap["rows"] for cell in row["cells"] if cell["posts"]]
    assert heatmap["posts"] == 8 and sum(cell["posts"] for cell in shaded) == 8
    assert {cell["hour"] for cell in shaded} == {0, 7, 13, 23}
    assert (heatmap["least"], heatmap["most"]) == (40, 5000)
    assert heatmap["least"] == min(cell["views"] for cell in shaded)
    assert heatmap["most"] == max(cell["views"] for cell in shaded)
    legend = text[text.index('id="heatmap-scale"') :][:1500]
    assert "от наименее" in legend or "от часа" in legend
    assert (
        'class="swatch level-1"' in legend and f'class="swatch level-{dashboard.LEVELS}"' in legend
    )
    assert "средние просмотры одного поста" in text
