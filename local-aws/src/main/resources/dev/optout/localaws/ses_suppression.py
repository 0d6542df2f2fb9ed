"""The SES v2 account-level suppression list, which moto 5.2.1 does not implement.

PutSuppressedDestination, GetSuppressedDestination and DeleteSuppressedDestination, as the AWS
SDK v2 sends them (REST JSON under /v2/email/suppression/addresses), kept in memory per region.
Requests for anything else pass through to moto untouched. Used by moto_server.py:

    app = ses_suppression.wrap(app)

Shapes follow the SES v2 API reference: Put answers 200 with an empty JSON object, Get answers
{"SuppressedDestination": {"EmailAddress", "Reason", "LastUpdateTime"}} or 404 NotFoundException,
a Reason other than BOUNCE or COMPLAINT is a 400 BadRequestException.
"""
import json
import re
import threading
import time
from urllib.parse import unquote

_PATH = re.compile(r"^/v2/email/suppression/addresses(?:/(?P<address>[^/]+))?/?$")
_REGION = re.compile(r"Credential=[^/]+/[0-9]{8}/(?P<region>[^/]+)/")
_REASONS = {"BOUNCE", "COMPLAINT"}

_lock = threading.Lock()
_suppressed = {}  # (region, lowercased address) -> {"EmailAddress", "Reason", "LastUpdateTime"}


def wrap(app):
    """A WSGI app that answers the suppression-list operations and hands the rest to `app`."""

    def suppression_list(environ, start_response):
        match = _PATH.match(environ.get("PATH_INFO", ""))
        if match is None:
            return app(environ, start_response)
        region_match = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        region = region_match.group("region") if region_match else "us-east-1"
        method = environ.get("REQUEST_METHOD", "GET")
        address = match.group("address")
        if method == "PUT" and address is None:
            return _put(region, _body(environ), start_response)
        if method == "GET" and address is not None:
            return _get(region, unquote(address), start_response)
        if method == "DELETE" and address is not None:
            return _delete(region, unquote(address), start_response)
        return _answer(start_response, 400, {"message": f"{method} is not supported here"}, "BadRequestException")

    return suppression_list


def _put(region, body, start_response):
    address, reason = body.get("EmailAddress"), body.get("Reason")
    if not isinstance(address, str) or not address:
        return _answer(start_response, 400, {"message": "EmailAddress is required"}, "BadRequestException")
    if reason not in _REASONS:
        return _answer(start_response, 400, {"message": f"Reason must be one of {sorted(_REASONS)}"},
                       "BadRequestException")
    with _lock:
        _suppressed[(region, address.lower())] = {
            "EmailAddress": address, "Reason": reason, "LastUpdateTime": time.time()}
    return _answer(start_response, 200, {})


def _get(region, address, start_response):
    with _lock:
        entry = _suppressed.get((region, address.lower()))
    if entry is None:
        return _answer(start_response, 404, {"message": f"{address} is not on the suppression list"},
                       "NotFoundException")
    return _answer(start_response, 200, {"SuppressedDestination": dict(entry)})


def _delete(region, address, start_response):
    with _lock:
        entry = _suppressed.pop((region, address.lower()), None)
    if entry is None:
        return _answer(start_response, 404, {"message": f"{address} is not on the suppression list"},
                       "NotFoundException")
    return _answer(start_response, 200, {})


def _body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return json.loads(environ["wsgi.input"].read(length) or b"{}")
    except (ValueError, KeyError):
        return {}


def _answer(start_response, status, payload, error_type=None):
    data = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    start_response(f"{status} {reason}", headers)
    return [data]
