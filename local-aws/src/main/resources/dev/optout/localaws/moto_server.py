"""moto's server, as `moto_server` runs it, with one addition: DynamoDB writes are serialized.

DynamoDB applies each write to an item atomically: two UpdateItem calls on one item never lose
each other's changes. moto's threaded server runs its read-modify-write update code in parallel
threads and can lose one of two concurrent updates, which real DynamoDB never does. Serializing
the DynamoDB write operations restores the guarantee the code under test relies on; everything
else (reads, SNS, SQS, SES, Secrets Manager) stays concurrent and untouched.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT
"""
import argparse
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

import ses_suppression  # the SES v2 suppression list moto lacks (ses_suppression.py, next to this file)

DYNAMODB_WRITES = {
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
}
_write_lock = threading.Lock()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)

    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_") and target.rsplit(".", 1)[-1] in DYNAMODB_WRITES:
            with _write_lock:
                # consume the body inside the lock: the write happens while it is produced
                return [b"".join(moto_app(environ, start_response))]
        return moto_app(environ, start_response)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(args.host, args.port, ses_suppression.wrap(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main(sys.argv[1:])
