"""Figures in tables: grouped digits and the language's decimal mark, a dash for unknown."""

from decimal import Decimal

import pytest
from django.utils import translation

from vitrina.core.templatetags.vitrina import figure


@pytest.mark.parametrize(
    ("value", "decimals", "russian", "english"),
    [
        (1234567, "-1", "1\xa0234\xa0567", "1,234,567"),
        (1234.5, "1", "1\xa0234,5", "1,234.5"),
        (1234.5, "0", "1\xa0235", "1,235"),
        (1234.0, "-1", "1\xa0234", "1,234"),
        (1234.56, "-1", "1\xa0234,6", "1,234.6"),
        (9.9, "1", "9,9", "9.9"),
        (0.455, "2", "0,46", "0.46"),
        (-0.04, "1", "0,0", "0.0"),
        (-2500.25, "2", "-2\xa0500,25", "-2,500.25"),
        (Decimal("12.50"), "1", "12,5", "12.5"),
        (None, "1", "—", "—"),
    ],
)
def test_figures_read_as_in_the_language(value, decimals, russian, english):
    with translation.override("ru"):
        assert figure(value, decimals) == russian
    with translation.override("en"):
        assert figure(value, decimals) == english
