from django.contrib import admin
from django.urls import include, path

from vitrina.api.api import api
from vitrina.channels import connect_views
from vitrina.content.views import tools as content_tools
from vitrina.core.urls import account_urls, organisation_urls
from vitrina.exhibitions import views as exhibitions
from vitrina.inbox import webhooks as inbox_webhooks

organisation_patterns = [
    *organisation_urls,
    path("channels/", include("vitrina.channels.urls")),
    path("catalogue/", include("vitrina.catalog.urls")),
    path("exhibitions/", include("vitrina.exhibitions.urls")),
    path("analytics/", include("vitrina.analytics.urls")),
    path("inbox/", include("vitrina.inbox.urls")),
    path("", include("vitrina.publishing.urls")),
    path("", include("vitrina.content.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("o/<slug:org>/", include(organisation_patterns)),
    # Fixed addresses registered with VK ID and OK as the apps' redirect URIs.
    path("oauth/vk/callback/", connect_views.oauth_vk_callback, name="oauth-vk-callback"),
    path("oauth/ok/callback/", connect_views.oauth_ok_callback, name="oauth-ok-callback"),
    # A guest writes a post through a one-time link, without an account.
    path("guest/<str:token>/", content_tools.guest_post, name="guest-post"),
    # A published virtual exhibition, open to everyone.
    path("x/<slug:org_slug>/<slug:slug>/", exhibitions.public_page, name="exhibition-public"),
    path(
        "x/<slug:org_slug>/<slug:slug>/covers/<int:book_id>/",
        exhibitions.public_cover,
        name="exhibition-public-cover",
    ),
    # Networks post readers' events here; the token finds the channel, the network's secret
    # is verified before anything is stored.
    path("hooks/vk/<str:token>/", inbox_webhooks.vk_hook, name="inbox-hook-vk"),
    path("hooks/telegram/<str:token>/", inbox_webhooks.telegram_hook, name="inbox-hook-telegram"),
    path("hooks/max/<str:token>/", inbox_webhooks.max_hook, name="inbox-hook-max"),
    *account_urls,
]
