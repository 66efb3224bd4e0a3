"""Helpers the four emulated networks share: reading parameters, faults, JSON answers."""

import asyncio
import json

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class Json(JSONResponse):
    def render(self, content) -> bytes:
        return dumps(content)


async def read_params(request: Request) -> tuple[dict, dict]:
    """Query, form or JSON parameters as strings, and uploaded files by field name."""
    params = dict(request.query_params)
    files = {}
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            body = await request.body()
            if body:
                data = json.loads(body)
                if isinstance(data, dict):
                    for key, value in data.items():
                        params[key] = value if isinstance(value, str) else json.dumps(value)
        elif ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form(max_part_size=20 * 1024 * 1024)
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = (value.filename or "file", await value.read())
                else:
                    params[key] = value
    return params, files


def world_of(request: Request):
    return request.app.state.world


async def apply_faults(request: Request, network: str, method: str):
    """Sleep for injected latency or a timeout; return the decision for the caller to act on."""
    decision = request.app.state.faults.decide(network, method)
    if decision.latency:
        await asyncio.sleep(decision.latency)
    if decision.action == "timeout":
        await asyncio.sleep(decision.fault.timeout_seconds)
    return decision


def lost_answer() -> Response:
    return Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", status_code=504)
