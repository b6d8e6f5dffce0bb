"""Helpers ``make deploy`` runs around the pinned CDK CLI: a bootstrap check before, the outputs after.

    python -m infra.deploy check-bootstrap      # exit 1 with the command to run when it is missing
    python -m infra.deploy outputs FILE         # the stack's outputs and how to get credentials

Needs AWS credentials (the usual AWS_PROFILE / environment / SSO); nothing here is used by the app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Protocol

from infra import constants

# The CDK's default bootstrap ("hnb659fds" qualifier) records its version in this SSM parameter.
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
# aws-cdk-lib 2.275 publishes assets with bootstrap stack version 6 or newer.
MINIMUM_BOOTSTRAP_VERSION = 6


class SsmClient(Protocol):
    def get_parameter(self, *, Name: str) -> dict[str, Any]: ...


class BootstrapMissingError(RuntimeError):
    """The target account and region have no (or too old a) CDK bootstrap stack."""


def bootstrap_version(ssm: SsmClient) -> int | None:
    """The bootstrap stack's version in the client's account and region, or None when there is none."""
    try:
        response = ssm.get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
    except Exception as error:
        if type(error).__name__ == "ParameterNotFound" or "ParameterNotFound" in str(error):
            return None
        raise
    return int(response["Parameter"]["Value"])


def check_bootstrap(ssm: SsmClient, *, account: str, region: str) -> int:
    """Raise :class:`BootstrapMissingError` with the command to run unless the environment is bootstrapped."""
    version = bootstrap_version(ssm)
    command = f"make bootstrap   (runs: npx cdk bootstrap aws://{account}/{region})"
    if version is None:
        raise BootstrapMissingError(
            f"aws://{account}/{region} is not bootstrapped for the CDK (no {BOOTSTRAP_VERSION_PARAMETER}).\n"
            f"Bootstrap it once per account and region: {command}"
        )
    if version < MINIMUM_BOOTSTRAP_VERSION:
        raise BootstrapMissingError(
            f"aws://{account}/{region} has CDK bootstrap version {version}; {MINIMUM_BOOTSTRAP_VERSION}+ is "
            f"needed. Update it: {command}"
        )
    return version


def describe_outputs(outputs: dict[str, str]) -> str:
    """What a deployer needs after ``make deploy``: the outputs, then how to get a key and a token."""
    lines = ["Stack outputs:"]
    lines += [f"  {key:<20} {value}" for key, value in sorted(outputs.items())]
    pool, client, key_id = outputs["UserPoolId"], outputs["UserPoolClientId"], outputs["ApiKeyId"]
    api = outputs["ApiUrl"].rstrip("/")
    lines += [
        "",
        "The CMS's API key (sent as x-api-key with every editorial request):",
        f"  aws apigateway get-api-key --api-key {key_id} --include-value --query value --output text",
        "",
        f"Create an editor (or a publisher: group {constants.PUBLISHER_GROUP}); Cognito e-mails a temporary password:",
        f"  aws cognito-idp admin-create-user --user-pool-id {pool} --username editor@example.org \\",
        "      --user-attributes Name=email,Value=editor@example.org Name=email_verified,Value=true",
        f"  aws cognito-idp admin-add-user-to-group --user-pool-id {pool} --username editor@example.org \\",
        f"      --group-name {constants.EDITOR_GROUP}",
        "  # or set a permanent password yourself (a service user for the CMS):",
        f"  aws cognito-idp admin-set-user-password --user-pool-id {pool} --username editor@example.org \\",
        "      --password '<password>' --permanent",
        "",
        f"Get an ID token (valid {constants.ID_TOKEN_VALIDITY_MINUTES} minutes) and call the API:",
        f"  TOKEN=$(aws cognito-idp admin-initiate-auth --user-pool-id {pool} --client-id {client} \\",
        "      --auth-flow ADMIN_USER_PASSWORD_AUTH \\",
        "      --auth-parameters USERNAME=editor@example.org,PASSWORD='<password>' \\",
        "      --query AuthenticationResult.IdToken --output text)",
        f'  curl -X POST {api}/articles -H "Authorization: Bearer $TOKEN" -H "x-api-key: <key>" \\',
        "      -H 'Content-Type: application/json' -d @article.json",
    ]
    return "\n".join(lines)


def _outputs_from(path: Path) -> dict[str, str]:
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data[constants.STACK_NAME]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-bootstrap", help="fail with instructions unless the CDK bootstrap stack exists")
    outputs = commands.add_parser("outputs", help="print the stack outputs written by cdk deploy --outputs-file")
    outputs.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    if args.command == "outputs":
        print(describe_outputs(_outputs_from(args.file)))
        return 0

    import boto3  # noqa: PLC0415 - only the bootstrap check talks to AWS
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError  # noqa: PLC0415

    session = boto3.session.Session()
    if not session.region_name:
        print("No AWS region: set AWS_REGION (or a profile with a region) before make deploy.", file=sys.stderr)
        return 1
    try:
        account = session.client("sts").get_caller_identity()["Account"]
        version = check_bootstrap(session.client("ssm"), account=account, region=session.region_name)
    except NoCredentialsError:
        print("No AWS credentials: configure a profile (AWS_PROFILE) or SSO login first.", file=sys.stderr)
        return 1
    except BootstrapMissingError as error:
        print(error, file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"Could not check the CDK bootstrap: {error}", file=sys.stderr)
        return 1
    print(f"CDK bootstrap version {version} found in aws://{account}/{session.region_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
