from vitrina.content.checks import add_utm, check_variant, utm_text


def test_text_limits_per_network():
    assert check_variant(network="vk", text="а" * 16384, media_count=0) == []
    assert check_variant(network="vk", text="а" * 16385, media_count=0)
    assert check_variant(network="telegram", text="а" * 4096, media_count=0) == []
    # With a picture Telegram takes a caption of at most 1024 characters.
    [problem] = check_variant(network="telegram", text="а" * 1025, media_count=1)
    assert "1024" in problem
    assert check_variant(network="max", text="а" * 4001, media_count=0)


def test_media_and_polls():
    assert check_variant(network="vk", text="x", media_count=11)
    assert (
        check_variant(
            network="vk",
            text="x",
            media_count=0,
            poll_question="Что читать?",
            poll_answers=["a", "b"],
        )
        == []
    )
    [problem] = check_variant(
        network="max", text="x", media_count=0, poll_question="Что читать?", poll_answers=["a", "b"]
    )
    assert "poll" in problem.lower() or "опрос" in problem.lower()
    assert check_variant(network="vk", text=" ", media_count=0)


def test_utm_marks_only_the_librarys_sites():
    text = (
        "Каталог: https://www.medlib.ru/catalog?id=5, а ещё https://example.org/x. "
        "Электронная библиотека: http://elib.medlib.ru/book/1."
    )
    marked = utm_text(
        text,
        sites=["https://medlib.ru", "", "http://elib.medlib.ru"],
        network="vk",
        campaign="new-arrivals",
    )
    assert (
        "https://www.medlib.ru/catalog?id=5&utm_source=vk&utm_medium=social"
        "&utm_campaign=new-arrivals," in marked
    )
    assert "https://example.org/x." in marked and "example.org/x?utm" not in marked
    assert "http://elib.medlib.ru/book/1?utm_source=vk&utm_medium=social" in marked


def test_utm_replaces_old_marks():
    url = add_utm("https://lib.ru/?utm_source=ok&a=1", network="telegram", campaign="")
    assert url == "https://lib.ru/?a=1&utm_source=telegram&utm_medium=social"
