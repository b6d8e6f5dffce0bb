"""Stage settings from CDK context: documented defaults in cdk.json, stage blocks, validation."""

from __future__ import annotations

import pytest

from infra.app import cdk_json_context
from infra.config import ConfigError, StageConfig, context_keys


def test_cdk_json_documents_a_default_for_every_required_setting():
    # GIVEN cdk.json's context  WHEN the settings are read from it alone
    context = cdk_json_context()
    config = StageConfig.from_context(context)
    # THEN every setting without a built-in default has its value there (none is left to code)
    required = {name for name, field in StageConfig.model_fields.items() if field.is_required()}
    assert {context_keys()[name] for name in required} <= set(context)
    assert config.stage == "default"
    assert config.deletion_protection is False


def test_a_stage_block_overrides_the_flat_defaults():
    # GIVEN cdk.json's context and the prod stage it defines
    context = {**cdk_json_context(), "newsroom:stage": "prod"}
    # WHEN the prod settings are read
    config = StageConfig.from_context(context)
    # THEN the block's values win, the rest are the defaults
    assert config.stage == "prod"
    assert config.deletion_protection is True
    assert config.cms_quota_per_day == cdk_json_context()["newsroom:stages"]["prod"]["cmsQuotaPerDay"]
    assert config.publisher_name == cdk_json_context()["newsroom:publisherName"]


def test_command_line_values_arrive_as_strings_and_are_parsed():
    # GIVEN values as `cdk deploy -c newsroom:cmsQuotaPerDay=500000 -c newsroom:deletionProtection=true` gives them
    context = {**cdk_json_context(), "newsroom:cmsQuotaPerDay": "500000", "newsroom:deletionProtection": "true"}
    config = StageConfig.from_context(context)
    # THEN they are numbers and booleans
    assert config.cms_quota_per_day == 500_000
    assert config.deletion_protection is True


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("newsroom:websiteUrl", "http://news.example.org", "https://"),
        ("newsroom:authorUrlPattern", "https://news.example.org/authors", "{slug}"),
        ("newsroom:cmsBurstLimit", 1, "burst limit below its rate limit"),
        ("newsroom:alarmEmail", "not an address", "e-mail"),
        ("newsroom:siteDomainName", "feeds.example.org", "go together"),
        ("newsroom:websiteUrI", "https://typo.example.org", "Extra inputs"),
        ("newsroom:stage", "staging", "no block"),
    ],
)
def test_invalid_context_fails_before_anything_is_built(key, value, message):
    # GIVEN a context with one wrong value  THEN reading it fails and says why
    with pytest.raises(ConfigError, match=message if message != "{slug}" else r"\{slug\}"):
        StageConfig.from_context({**cdk_json_context(), key: value})
