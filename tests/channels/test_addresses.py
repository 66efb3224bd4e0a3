import pytest
from django.core.exceptions import ValidationError

from vitrina.channels.addresses import external_id_from_url, normalise_url
from vitrina.channels.networks import Network


@pytest.mark.parametrize(
    ("network", "raw", "expected"),
    [
        (Network.VK, "https://vk.com/medlib42", "https://vk.com/medlib42"),
        (Network.VK, "vk.com/medlib42/", "https://vk.com/medlib42"),
        (Network.VK, "http://m.vk.com/id547852393", "https://vk.com/id547852393"),
        (Network.VK, "https://www.vk.com/vinilius", "https://vk.com/vinilius"),
        (Network.OK, "http://ok.ru/profile/561588730013", "https://ok.ru/profile/561588730013"),
        (Network.OK, "https://m.ok.ru/group/123", "https://ok.ru/group/123"),
        (Network.TELEGRAM, "t.me/medlib42", "https://t.me/medlib42"),
        (Network.MAX, "https://max.ru/library", "https://max.ru/library"),
        (Network.WEBSITE, "Library.example.ru/news", "https://library.example.ru/news"),
        (
            Network.OTHER,
            "https://www.instagram.com/medlib42/",
            "https://www.instagram.com/medlib42",
        ),
        (Network.VK, "", ""),
    ],
)
def test_addresses_are_normalised(network, raw, expected):
    assert normalise_url(network, raw) == expected


@pytest.mark.parametrize(
    ("network", "raw", "code"),
    [
        (Network.VK, "ok.ru/profile/1", "wrong_network"),
        (Network.OK, "https://vk.com/medlib42", "wrong_network"),
        (Network.TELEGRAM, "https://telegram.org/medlib", "wrong_network"),
        (Network.MAX, "https://max.com/x", "wrong_network"),
        (Network.VK, "https://vk.com/", "no_account"),
        (Network.VK, "vk", "invalid_url"),
        (Network.WEBSITE, "ftp://library.ru", "invalid_url"),
        (Network.VK, "javascript:alert(1)", "invalid_url"),
        (Network.VK, "https://evilvk.com/x", "wrong_network"),
    ],
)
def test_wrong_addresses_are_refused(network, raw, code):
    with pytest.raises(ValidationError) as error:
        normalise_url(network, raw)
    assert error.value.code == code


def test_numeric_ids_are_taken_from_addresses():
    assert external_id_from_url(Network.VK, "https://vk.com/id547852393") == "547852393"
    assert external_id_from_url(Network.VK, "https://vk.com/club42") == "42"
    assert external_id_from_url(Network.VK, "https://vk.com/medlib42") == ""
    assert external_id_from_url(Network.OK, "https://ok.ru/profile/561588730013") == "561588730013"
