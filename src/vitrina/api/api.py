from ninja import NinjaAPI

from vitrina.api import channels, errors, organisations
from vitrina.api.auth import PersonalToken

api = NinjaAPI(
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
