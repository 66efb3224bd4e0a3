from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from vitrina.api import (
    catalog,
    channels,
    content,
    errors,
    inbox,
    organisations,
    publishing,
    strategy,
)
from vitrina.api.auth import PersonalToken

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

# Answers every operation may give besides its own: the schema says where each happens.
COMMON_ANSWERS = {
    "401": "No valid personal token: Authorization: Bearer <token>.",
    "400": "The request is not valid: the fields and what is wrong with each in `details`.",
    "404": "No such organisation or object (or it belongs to another organisation).",
}


class UnicodeJSONRenderer(JSONRenderer):
    # Russian names stay readable in answers instead of escape sequences.
    json_dumps_params = {"ensure_ascii": False}


class VitrinaAPI(NinjaAPI):
    """The API whose schema also documents the answers given around each operation: 401
    without a token, 400 for a request that does not match the schema, 404 for an unknown
    id in the address."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                applies = {
                    "401": bool(operation.get("security")),
                    "400": bool(operation.get("parameters") or operation.get("requestBody")),
                    "404": "{" in path,
                }
                for status, description in COMMON_ANSWERS.items():
                    if applies[status] and status not in answers and int(status) not in answers:
                        answers[status] = {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_REF}},
                        }
        return schema


api = VitrinaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Vitrina API",
    version="1",
    description=(
        "REST API of Vitrina. Authenticate with a personal token: "
        "`Authorization: Bearer <token>` (create one in your profile or with "
        "`vitrina token create --user NAME`). Every error, 500 included, is JSON: "
        '`{"error": {"code": "...", "message": "..."}}`; messages follow '
        "`Accept-Language` (Russian unless English is asked for)."
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
api.add_router("", strategy.router)
