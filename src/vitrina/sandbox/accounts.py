"""The emulated accounts the sandbox starts with.

They are the demo organisations' channels, with the names and audiences of their registries
(seed documents 001 and 004): the medical library's VK page and community, its Telegram and
MAX channels; the Mednogorsk system's OK profiles, its children's library group, the
«Медногорский винил» community and its Telegram and MAX channels. Tokens are derived from
the seed, so a given seed always hands out the same credentials.
"""

DEFAULT_ACCOUNTS = [
    {
        "network": "vk",
        "kind": "profile",
        "screen_name": "id547852393",
        "external_id": 547852393,
        "name": "КНМБ ВКонтакте (страница)",
        "members": 2025,
        "growth_per_day": 0.8,
    },
    {
        "network": "vk",
        "kind": "community",
        "screen_name": "medlib42",
        "external_id": 128554301,
        "name": "Кузбасская научная медицинская библиотека",
        "members": 490,
        "growth_per_day": 3.5,
        "admin_user_id": 547852393,
    },
    {
        "network": "vk",
        "kind": "community",
        "screen_name": "vinilius",
        "external_id": 201338467,
        "name": "Медногорский винил",
        "members": 964,
        "growth_per_day": 1.6,
        "admin_user_id": 547852393,
    },
    {
        "network": "ok",
        "kind": "profile",
        "screen_name": "profile/561588730013",
        "external_id": 561588730013,
        "name": "Центральная библиотека Медногорска",
        "members": 600,
        "growth_per_day": 1.2,
    },
    {
        "network": "ok",
        "kind": "profile",
        "screen_name": "profile/569188750053",
        "external_id": 569188750053,
        "name": "Библиотека-филиал № 4",
        "members": 40,
        "growth_per_day": 0.4,
    },
    {
        "network": "ok",
        "kind": "group",
        "screen_name": "group/70000001234567",
        "external_id": 70000001234567,
        "name": "Детская библиотека",
        "members": 1400,
        "growth_per_day": 1.9,
        "admin_user_id": 561588730013,
    },
    {
        "network": "telegram",
        "kind": "channel",
        "screen_name": "medlib42_news",
        "external_id": -1001987654321,
        "name": "КНМБ: новости",
        "members": 640,
        "growth_per_day": 1.1,
    },
    {
        "network": "max",
        "kind": "channel",
        "screen_name": "medlib42",
        "external_id": -70514386221,
        "name": "КНМБ",
        "members": 215,
        "growth_per_day": 0.9,
    },
    {
        "network": "telegram",
        "kind": "channel",
        "screen_name": "mednogorsk_library",
        "external_id": -1001555000111,
        "name": "Библиотеки Медногорска",
        "members": 180,
        "growth_per_day": 0.5,
    },
    {
        "network": "max",
        "kind": "channel",
        "screen_name": "mednogorsk_library",
        "external_id": -70514386333,
        "name": "Библиотеки Медногорска",
        "members": 95,
        "growth_per_day": 0.4,
    },
]
