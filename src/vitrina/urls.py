from django.contrib import admin
from django.urls import include, path

from vitrina.api.api import api
from vitrina.channels import connect_views
from vitrina.content.views import tools as content_tools
from vitrina.core.urls import account_urls, organisation_urls
from vitrina.exhibitions import views as exhibitions
from vitrina.inbox import webhooks as inbox_webhooks
from vitrina.strategy import views_links as shortlinks

organisation_patterns = [
    *organisation_urls,
    path("channels/", include("vitrina.channels.urls")),
    path("catalogue/", include("vitrina.catalog.urls")),
    path("exhibitions/", include("vitrina.exhibitions.urls")),
    path("analytics/", include("vitrina.analytics.urls")),
    path("inbox/", include("vitrina.inbox.urls")),
    path("readers/", include("vitrina.readers.urls")),
    path("strategy/links/", include("vitrina.strategy.urls_links")),
    path("strategy/", include("vitrina.strategy.urls")),
    path("", include("vitrina.publishing.urls")),
    path("", include("vitrina.content.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("o/<slug:org>/", include(organisation_patterns)),
    # The fixed address registered with each network's application as its redirect URI.
    path("oauth/<slug:network>/callback/", connect_views.oauth_callback, name="oauth-callback"),
    # A guest writes a post through a one-time link, without an account.
    path("guest/<str:token>/", content_tools.guest_post, name="guest-post"),
    # A published virtual exhibition, open to everyone.
    path("x/<slug:org_slug>/<slug:slug>/", exhibitions.public_page, name="exhibition-public"),
    path(
        "x/<slug:org_slug>/<slug:slug>/covers/<int:book_id>/",
        exhibitions.public_cover,
        name="exhibition-public-cover",
    ),
    # Pages a reader opens from the library's dialog: linking the card, consent, their data.
    path("r/", include(("vitrina.readers.urls_public", "readers_public"))),
    # Networks post readers' events here; the token finds the channel, the network's secret
    # is verified before anything is stored.
    path("hooks/<slug:network>/<str:token>/", inbox_webhooks.receive, name="inbox-hook"),
    # A short link to the library's site, e-catalogue or e-library, open to everyone.
    path("s/<str:code>", shortlinks.follow, name="shortlink"),
    *account_urls,
]
