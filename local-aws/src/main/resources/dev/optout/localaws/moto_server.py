"""moto's server, as `moto_server` runs it, with one addition: DynamoDB writes are serialized.

DynamoDB applies each write to an item atomically: two UpdateItem calls on one item never lose
each other's changes. moto's threaded server runs its read-modify-write update code in parallel
threads and can lose one of two concurrent updates, which real DynamoDB never does. Serializing
the DynamoDB write operations restores the guarantee the code under test relies on; everything
else (reads, SNS, SQS, SES, Secrets Manager) stays concurrent and untouched.

Fault injection (tests and `./optout local`): `POST /_optout/faults` with
{"service": "dynamodb", "mode": "unavailable" | "throttle" | "none"} makes every DynamoDB call
answer as DynamoDB does when it is down (HTTP 500 InternalServerError) or throttling (HTTP 400
ProvisionedThroughputExceededException, ThrottlingException for table operations), or work again.
SNS, SQS, SES and Secrets Manager are never affected. `GET /_optout/faults` answers the modes.

IAM: moto checks each call's action against the caller's policies once its no-auth budget is
spent (the Java side creates an admin user, then sets the budget to 0 through moto's
/moto-api/reset-auth). DynamoDB authorizes a transaction per item, by the item's own action
(PutItem, UpdateItem, DeleteItem, ConditionCheckItem; GetItem for TransactGetItems), and there is
no dynamodb:TransactWriteItems permission to grant: the check below does the same.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

from werkzeug.exceptions import HTTPException
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError
from moto.iam import access_control

import ses_suppression  # the SES v2 suppression list moto lacks (ses_suppression.py, next to this file)

DYNAMODB_WRITES = {
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
}
_write_lock = threading.Lock()

FAULTS_PATH = "/_optout/faults"
# GET: every raw message SES (v1 or v2) was asked to send, oldest first: the local outbox reads it
SES_SENT_PATH = "/_optout/ses/sent"
FAULT_MODES = ("none", "unavailable", "throttle")
_faults = {"dynamodb": "none"}
# DynamoDB's item operations are throttled with ProvisionedThroughputExceededException; its
# control-plane (table) operations with ThrottlingException.
DYNAMODB_ITEM_OPERATIONS = DYNAMODB_WRITES | {
    "GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "ExecuteStatement",
    "BatchExecuteStatement", "ExecuteTransaction",
}


# DynamoDB's "Using IAM with DynamoDB transactions": each item of TransactWriteItems or
# TransactGetItems is authorized as the single-item action it performs.
_TRANSACT_ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                          "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
_check_action_permitted = access_control.IAMRequestBase.check_action_permitted


def _check_transaction_items(self, resource):
    if self._action not in ("dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"):
        return _check_action_permitted(self, resource)
    body = self._body.decode("utf-8") if isinstance(self._body, bytes) else (self._body or "{}")
    items = json.loads(body or "{}").get("TransactItems", [])
    for action in sorted({_TRANSACT_ITEM_ACTIONS[k] for item in items for k in item if k in _TRANSACT_ITEM_ACTIONS}):
        self._action = "dynamodb:" + action  # AccessDenied then names the item's action
        _check_action_permitted(self, resource)
    return None


access_control.IAMRequestBase.check_action_permitted = _check_transaction_items


# moto renders a refused call as an XML ErrorResponse whatever the protocol, without an error-type
# header. A JSON-protocol client (DynamoDB, Secrets Manager, SQS, SES v2) then sees a bare 403
# with no code or message. AWS answers those in JSON ({"__type": "AccessDeniedException",
# "message": "User: ... is not authorized to perform: dynamodb:GetItem ..."}): do the same.
_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
_JSON_ERROR_TYPES = {"AccessDenied": "AccessDeniedException"}


def _is_json_protocol(headers):
    content_type = (headers.get("Content-Type") or "").lower()
    return bool(headers.get("X-Amz-Target")) or content_type.startswith(("application/x-amz-json", "application/json"))


def _authorize_in_the_protocol(self, resource="*"):
    try:
        return _authorize(self, resource)
    except HTTPException as e:
        if isinstance(e, JsonRESTError) or not hasattr(e, "error_type") or not _is_json_protocol(self.headers):
            raise
        error = JsonRESTError(_JSON_ERROR_TYPES.get(e.error_type, e.error_type), e.message)
        error.code = e.code
        raise error from e


ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = _authorize_in_the_protocol


def _json_response(start_response, status, body, content_type="application/x-amz-json-1.0"):
    data = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))),
                            ("x-amzn-RequestId", "optout-injected-fault")])
    return [data]


def _faults_endpoint(environ, start_response):
    if environ.get("REQUEST_METHOD") == "GET":
        return _json_response(start_response, "200 OK", _faults, "application/json")
    if environ.get("REQUEST_METHOD") != "POST":
        return _json_response(start_response, "405 Method Not Allowed", {"error": "use GET or POST"}, "application/json")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}")
        service, mode = request.get("service"), request.get("mode")
    except (ValueError, AttributeError):
        return _json_response(start_response, "400 Bad Request",
                              {"error": 'send {"service": "dynamodb", "mode": "unavailable|throttle|none"}'}, "application/json")
    if service not in _faults or mode not in FAULT_MODES:
        return _json_response(start_response, "400 Bad Request",
                              {"error": "service must be one of %s and mode one of %s" % (sorted(_faults), list(FAULT_MODES))},
                              "application/json")
    _faults[service] = mode
    return _json_response(start_response, "200 OK", _faults, "application/json")


def _ses_sent_endpoint(environ, start_response):
    """The raw messages moto's SES kept (moto keeps them in ses_backends[account][region].sent_messages,
    its documented way to check what was sent). Only raw messages: optout sends nothing else."""
    from moto.ses.models import ses_backends, RawMessage
    sent = []
    for account_id, regions in ses_backends.items():
        for region, backend in regions.items():
            for m in list(backend.sent_messages):
                if isinstance(m, RawMessage):
                    sent.append({"id": m.id, "source": m.source, "destinations": list(m.destinations), "raw": m.raw_data,
                                 "region": region})
    return _json_response(start_response, "200 OK", sent, "application/json")


def _dynamodb_fault(operation, start_response):
    mode = _faults["dynamodb"]
    if mode == "unavailable":
        return _json_response(start_response, "500 Internal Server Error", {
            "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "message": "Internal server error (injected fault: DynamoDB unavailable)"})
    if mode == "throttle":
        if operation in DYNAMODB_ITEM_OPERATIONS:
            return _json_response(start_response, "400 Bad Request", {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded. "
                           "Consider increasing your provisioning level with the UpdateTable API. (injected fault)"})
        return _json_response(start_response, "400 Bad Request", {
            "__type": "com.amazon.coral.availability#ThrottlingException",
            "message": "Rate exceeded (injected fault)"})
    return None


def _exit_with_parent():
    """Ends this server when the process that started it is gone (a JVM killed without running its
    shutdown hooks, e.g. a PIT minion past its timeout): the child is then re-parented, so its
    parent pid changes. --keep-running (a server started by hand or by a script) skips it."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    parser.add_argument("--keep-running", action="store_true",
                        help="do not exit when the parent process ends")
    args = parser.parse_args(argv)

    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if environ.get("PATH_INFO") == FAULTS_PATH:
            return _faults_endpoint(environ, start_response)
        if environ.get("PATH_INFO") == SES_SENT_PATH:
            return _ses_sent_endpoint(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_") and _faults["dynamodb"] != "none":
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            fault = _dynamodb_fault(target.rsplit(".", 1)[-1], start_response)
            if fault is not None:
                return fault
        if target.startswith("DynamoDB_") and target.rsplit(".", 1)[-1] in DYNAMODB_WRITES:
            with _write_lock:
                # consume the body inside the lock: the write happens while it is produced
                return [b"".join(moto_app(environ, start_response))]
        return moto_app(environ, start_response)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if not args.keep_running:
        _exit_with_parent()
    run_simple(args.host, args.port, ses_suppression.wrap(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main(sys.argv[1:])
