"""One error shape for the whole API: ``{"error": {"code", "message", "details"?}}``.

Every answer of the API that is not a success has it, 500 included; messages are in the
language of the request's ``Accept-Language`` (Russian when it names none we speak).
"""

import logging

from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vitrina.core.exceptions import ServiceError

logger = logging.getLogger("django.request")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_body(code: str, message: str, details=None) -> dict:
    body = {"code": code, "message": str(message)}
    if details:
        body["details"] = details
    return {"error": body}


# Codes and messages of the statuses answered outside the operations (an unknown address, a
# method the address does not take, a body too large) and of the unexpected failure.
STATUS_ERRORS = {
    400: ("invalid", gettext_lazy("The request is not valid.")),
    401: (
        "unauthorised",
        gettext_lazy("Send a personal API token: Authorization: Bearer <token>."),
    ),
    403: ("forbidden", gettext_lazy("This is not allowed.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This address does not take this method.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    500: ("server_error", gettext_lazy("Something went wrong on our side; it has been logged.")),
}


def status_error(status: int) -> dict:
    code, message = STATUS_ERRORS.get(status, ("error", gettext_lazy("The request failed.")))
    return error_body(code, message)


# What each kind of pydantic error means, said to a person in their language.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "model_type": gettext_lazy("Send a JSON object."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "list_type": gettext_lazy("Send a list."),
    "int_type": gettext_lazy("Send a whole number."),
    "int_parsing": gettext_lazy("Send a whole number."),
    "int_from_float": gettext_lazy("Send a whole number."),
    "float_type": gettext_lazy("Send a number."),
    "float_parsing": gettext_lazy("Send a number."),
    "decimal_type": gettext_lazy("Send a number."),
    "decimal_parsing": gettext_lazy("Send a number."),
    "finite_number": gettext_lazy("Send a number."),
    "bool_type": gettext_lazy("Send true or false."),
    "bool_parsing": gettext_lazy("Send true or false."),
    "string_type": gettext_lazy("Send a string."),
    "string_unicode": gettext_lazy("Send a string."),
    "date_type": gettext_lazy("Send a date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Send a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Send a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Send a date as YYYY-MM-DD."),
    "datetime_type": gettext_lazy("Send a date and time in ISO 8601."),
    "datetime_parsing": gettext_lazy("Send a date and time in ISO 8601."),
    "datetime_from_date_parsing": gettext_lazy("Send a date and time in ISO 8601."),
    "datetime_range": gettext_lazy("Send a date and time between the years 1 and 9999 in UTC."),
    "enum": gettext_lazy("Send one of: %(expected)s."),
    "literal_error": gettext_lazy("Send one of: %(expected)s."),
    "string_too_short": gettext_lazy("Send at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Send at most %(max_length)s characters."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "greater_than": gettext_lazy("Send a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Send a value of at least %(ge)s."),
    "less_than": gettext_lazy("Send a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Send a value of at most %(le)s."),
    "decimal_max_digits": gettext_lazy("Send at most %(max_digits)s digits."),
    "decimal_max_places": gettext_lazy("Send at most %(decimal_places)s decimal places."),
    "extra_forbidden": gettext_lazy("This field is not known."),
    "post_empty": gettext_lazy(
        "The post is empty: write a text or a title, or add a picture or a poll."
    ),
}


def validation_message(error: dict) -> str:
    template = VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("This value is not valid.")
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return str(template) % context
    except (KeyError, ValueError, TypeError):
        return str(template).split("%")[0].rstrip(": ") + "."


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
            {"field": _location(error.get("loc", ())), "message": validation_message(error)}
            for error in exc.errors
        ]
        return api.create_response(
            request,
            error_body("invalid", _("The request is not valid."), {"fields": fields}),
            status=400,
        )

    @api.exception_handler(MultiPartParserError)
    def on_unreadable_form(request, exc):
        body = error_body("invalid", _("The body cannot be read as a multipart form."))
        return api.create_response(request, body, status=400)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc):
        return api.create_response(request, status_error(401), status=401)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, status_error(404), status=404)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        body = status_error(exc.status_code)
        if str(exc).startswith("Cannot parse request body"):
            # ninja's words for a body that is not JSON.
            body["error"]["message"] = str(VALIDATION_MESSAGES["json_invalid"])
        elif exc.status_code not in STATUS_ERRORS:
            body["error"]["message"] = str(exc)
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(Exception)
    def on_unexpected(request, exc: Exception):
        # Logged as Django logs a failed request, so that the operator's alerts still fire.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return api.create_response(request, status_error(500), status=500)


def json_error_response(status: int) -> JsonResponse:
    return JsonResponse(
        status_error(status), status=status, json_dumps_params={"ensure_ascii": False}
    )


class ApiErrorsMiddleware:
    """Answers the API's errors that happen outside its operations (an unknown address, a
    method the address does not take, an unhandled failure) in the API's JSON shape rather
    than as the site's HTML pages."""

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(self.prefix)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = json_error_response(response.status_code)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(self.prefix):
            return None
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return json_error_response(500)
