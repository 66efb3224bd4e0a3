"""The emulated accounts the sandbox starts with.

They match the demo organisation: the medical library's VK community and its librarian's
profile page, the «Винилиус» community, two OK profiles and a children's library group on
OK, a Telegram channel and a MAX channel. Tokens are derived from the seed, so a given seed
always hands out the same credentials.
"""

DEFAULT_ACCOUNTS = [
    {
        "network": "vk",
        "kind": "profile",
        "screen_name": "id547852393",
        "external_id": 547852393,
        "name": "Ольга Смирнова",
        "members": 812,
        "growth_per_day": 0.8,
    },
    {
        "network": "vk",
        "kind": "community",
        "screen_name": "medlib42",
        "external_id": 128554301,
        "name": "Научная медицинская библиотека Кузбасса",
        "members": 2430,
        "growth_per_day": 3.5,
        "admin_user_id": 547852393,
    },
    {
        "network": "vk",
        "kind": "community",
        "screen_name": "vinilius",
        "external_id": 201338467,
        "name": "Винилиус — клуб любителей пластинок при библиотеке",
        "members": 964,
        "growth_per_day": 1.6,
        "admin_user_id": 547852393,
    },
    {
        "network": "ok",
        "kind": "profile",
        "screen_name": "profile/561588730013",
        "external_id": 561588730013,
        "name": "Библиотека имени Н. В. Гоголя",
        "members": 1510,
        "growth_per_day": 1.2,
    },
    {
        "network": "ok",
        "kind": "profile",
        "screen_name": "profile/569188750053",
        "external_id": 569188750053,
        "name": "Сельская библиотека Берёзовка",
        "members": 388,
        "growth_per_day": 0.4,
    },
    {
        "network": "ok",
        "kind": "group",
        "screen_name": "group/70000001234567",
        "external_id": 70000001234567,
        "name": "Детская библиотека «Радуга»",
        "members": 1175,
        "growth_per_day": 1.9,
        "admin_user_id": 561588730013,
    },
    {
        "network": "telegram",
        "kind": "channel",
        "screen_name": "medlib42_news",
        "external_id": -1001987654321,
        "name": "Медбиблиотека Кузбасса: новости",
        "members": 640,
        "growth_per_day": 1.1,
    },
    {
        "network": "max",
        "kind": "channel",
        "screen_name": "medlib42",
        "external_id": -70514386221,
        "name": "Медбиблиотека Кузбасса",
        "members": 215,
        "growth_per_day": 0.9,
    },
]
