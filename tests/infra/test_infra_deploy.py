"""make deploy's helpers: the bootstrap check before deploying, the instructions printed after."""

from __future__ import annotations

import json

import pytest

from infra import deploy


class ParameterNotFound(Exception):
    """Stand-in for the SSM client's modeled error of that name."""


class FakeSsm:
    """The one SSM call the check makes, answering like SSM for a bootstrapped environment or not."""

    def __init__(self, version: str | None) -> None:
        self.version = version
        self.asked: list[str] = []

    def get_parameter(self, *, Name: str) -> dict:
        self.asked.append(Name)
        if self.version is None:
            raise ParameterNotFound(f"An error occurred (ParameterNotFound) when calling GetParameter: {Name}")
        return {"Parameter": {"Name": Name, "Value": self.version}}


def test_a_bootstrapped_environment_passes_with_its_version():
    ssm = FakeSsm("30")
    assert deploy.check_bootstrap(ssm, account="111122223333", region="eu-west-1") == 30
    assert ssm.asked == ["/cdk-bootstrap/hnb659fds/version"]


def test_a_missing_bootstrap_says_how_to_run_it():
    # GIVEN an account and region never bootstrapped  THEN the check fails with the command to run
    with pytest.raises(
        deploy.BootstrapMissingError, match=r"make bootstrap .*cdk bootstrap aws://111122223333/eu-west-1"
    ):
        deploy.check_bootstrap(FakeSsm(None), account="111122223333", region="eu-west-1")


def test_an_old_bootstrap_asks_for_an_update():
    with pytest.raises(deploy.BootstrapMissingError, match="version 5; 6"):
        deploy.check_bootstrap(FakeSsm("5"), account="111122223333", region="eu-west-1")


def test_outputs_come_with_the_commands_to_get_a_key_a_user_and_a_token(tmp_path, capsys):
    # GIVEN the outputs file cdk deploy writes
    outputs = {
        "ApiUrl": "https://abc.execute-api.eu-west-1.amazonaws.com/v1/",
        "SiteUrl": "https://d111.cloudfront.net",
        "EventBusName": "NewsroomBus",
        "UserPoolId": "eu-west-1_AbCdEf",
        "UserPoolClientId": "clientid123",
        "ApiKeyId": "key123",
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"Newsroom": outputs}))
    # WHEN make deploy prints them
    assert deploy.main(["outputs", str(path)]) == 0
    printed = capsys.readouterr().out
    # THEN every output is there, with how to read the key, create an editor and get an ID token for the API
    assert all(f"{key}" in printed and value in printed for key, value in outputs.items())
    assert "get-api-key --api-key key123 --include-value" in printed
    assert "admin-create-user --user-pool-id eu-west-1_AbCdEf" in printed
    assert "--group-name editor" in printed
    assert "--client-id clientid123" in printed and "ADMIN_USER_PASSWORD_AUTH" in printed
    assert "curl -X POST https://abc.execute-api.eu-west-1.amazonaws.com/v1/articles" in printed
