from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from vitrina.api import catalog, channels, content, errors, inbox, organisations, publishing
from vitrina.api.auth import PersonalToken


class UnicodeJSONRenderer(JSONRenderer):
    # Russian names stay readable in answers instead of escape sequences.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Vitrina API",
    version="1",
    description=(
        "REST API of Vitrina. Authenticate with a personal token: "
        "`Authorization: Bearer <token>` (create one in your profile or with "
        "`vitrina token create --user NAME`). Errors are JSON: "
        '`{"error": {"code": "...", "message": "..."}}`.'
    ),
    auth=PersonalToken(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", organisations.router)
api.add_router("", channels.router)
api.add_router("", content.router)
api.add_router("", publishing.router)
api.add_router("", catalog.router)
api.add_router("", inbox.router)
