"""One error shape for the whole API: ``{"error": {"code", "message", "details"?}}``."""

from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vitrina.core.exceptions import ServiceError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_body(code: str, message: str, details=None) -> dict:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def _location(loc) -> str:
    # Drop ninja's "body"/"query"/"path" prefix and the payload name: the field is what helps.
    parts = [str(part) for part in loc if part not in {"body", "query", "path", "payload"}]
    return ".".join(parts)


def install(api) -> None:
    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.details), status=exc.status
        )

    @api.exception_handler(ServiceError)
    def on_service_error(request, exc: ServiceError):
        details = {"field": exc.field} if exc.field else None
        return api.create_response(
            request, error_body(exc.code, exc.message, details), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        fields = [
            {"field": _location(error.get("loc", ())), "message": error.get("msg", "")}
            for error in exc.errors
        ]
        return api.create_response(
            request,
            error_body("invalid", "The request is not valid.", {"fields": fields}),
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc):
        return api.create_response(
            request,
            error_body(
                "unauthorised",
                "Send a personal API token: Authorization: Bearer <token>.",
            ),
            status=401,
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        codes = {400: "invalid", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        return api.create_response(
            request,
            error_body(codes.get(exc.status_code, "error"), str(exc)),
            status=exc.status_code,
        )
