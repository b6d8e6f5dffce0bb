"""The command-line verbs that work beside a running local runtime, or against AWS.

``python -m infra.local token --role editor`` (``make token ROLE=editor``) asks the running runtime
(``--port``, default ``$PORT`` or 8000) for an ID token of that user-pool group and prints it.

``python -m infra.local redrive <dlq>`` (``make redrive DLQ=<name, url or arn>``) moves a dead-letter
queue's messages back to the queue whose redrive policy names it: against the local moto
(``--endpoint-url``, default ``$AWS_ENDPOINT_URL`` or ``http://127.0.0.1:$MOTO_PORT``) or, with
``--aws``, against the account of your AWS credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

from infra.local.redrive import RedriveError, redrive


def token_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local token", description=token_command.__doc__)
    parser.add_argument("--role", default=os.environ.get("ROLE"), help="a group of the user pool (e.g. editor)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="the runtime's port")
    parser.add_argument("--subject", help="the token's sub (default: derived from the username)")
    parser.add_argument("--username", help="cognito:username (default: the subject)")
    parser.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    args = parser.parse_args(argv)
    body = {"ttl_s": args.ttl}
    if args.role:
        body["role"] = args.role
    for key in ("subject", "username"):
        if getattr(args, key):
            body[key] = getattr(args, key)
    request = urllib.request.Request(
        f"http://127.0.0.1:{args.port}/_local/token",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            print(json.loads(response.read())["token"])
            return 0
    except urllib.error.HTTPError as error:
        message = json.loads(error.read() or b"{}").get("message", error.reason)
        print(f"no token: {message}", file=sys.stderr)
    except OSError as exc:
        print(f"no local runtime on port {args.port} ({exc}): start it with `make run`", file=sys.stderr)
    return 1


def redrive_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local redrive", description=redrive_command.__doc__)
    parser.add_argument("dlq", help="the dead-letter queue: name, URL or ARN")
    parser.add_argument("--to", help="the queue to move messages to (default: the one whose redrive policy names it)")
    parser.add_argument("--limit", type=int, help="move at most this many messages")
    parser.add_argument("--aws", action="store_true", help="use your AWS credentials and endpoints, not local moto")
    parser.add_argument("--endpoint-url", help="the SQS endpoint (default: the local moto)")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    args = parser.parse_args(argv)
    import boto3  # noqa: PLC0415 - only this verb needs it

    if args.aws:
        sqs = boto3.client("sqs", region_name=args.region)
    else:
        endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        endpoint = endpoint or f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '4566')}"
        sqs = boto3.client(
            "sqs",
            endpoint_url=endpoint,
            region_name=args.region or "us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto accepts anything
        )
    try:
        result = redrive(sqs, args.dlq, to=args.to, limit=args.limit)
    except RedriveError as exc:
        print(f"redrive: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a boto error: say what failed, no stack trace
        print(f"redrive failed: {exc}", file=sys.stderr)
        return 1
    print(f"moved {result.moved} message(s) from {result.dlq_url} to {result.source_url}", end="")
    print(f"; {result.failed} could not be sent (still in the DLQ)" if result.failed else "")
    return 0 if not result.failed else 1


def main(argv: Sequence[str]) -> int:
    """Dispatch ``token`` / ``redrive`` (``argv[0]``)."""
    verbs = {"token": token_command, "redrive": redrive_command}
    return verbs[argv[0]](argv[1:])
