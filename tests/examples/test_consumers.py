"""examples/consumers through the gate: it passes, and each one-way break fires exactly its rules.

Every violation counts (mandatory and advisory), named by rule id and resource name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kmsguard.gate import project
from kmsguard.gate.cli import default_pack
from kmsguard.gate.model import GateResult
from kmsguard.gate.policyconfig import read_file
from kmsguard.gate.run import run
from kmsguard.policies.facts import (
    LOG_GROUP_TYPE,
    S3_BUCKET_SSE_TYPE,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
    TOPIC_SUBSCRIPTION_TYPE,
    TRAIL_TYPE,
)
from tests.examples.breaks import BREAKS, EXAMPLE, broken_copy
from tests.gate.helpers import PACK, ROOT, kmsguard

pytestmark = pytest.mark.slow

PROD_CONFIG = EXAMPLE / "policy-config.prod.json"
CONSUMER_TYPES = {
    TRAIL_TYPE,
    LOG_GROUP_TYPE,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
    TOPIC_SUBSCRIPTION_TYPE,
    S3_BUCKET_SSE_TYPE,
    "aws:secretsmanager/secret:Secret",
    "aws:ssm/parameter:Parameter",
    "aws:rds/instance:Instance",
    "aws:dynamodb/table:Table",
    "aws:lambda/function:Function",
}


def _fired(result: GateResult) -> set[tuple[str, str]]:
    """(rule id, resource name) of every violation, mandatory or advisory."""
    return {(v.rule_id, v.urn.rsplit("::", 1)[-1]) for v in result.violations}


def _gate(program: Path, stack: str) -> GateResult:
    config = read_file(PROD_CONFIG) if stack == "prod" else {}
    return run(project.load(program, stack), PACK, config)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_example_passes_the_pack(stack: str) -> None:
    result = _gate(EXAMPLE, stack)
    assert _fired(result) == set()
    assert {r.type for r in result.resources} >= CONSUMER_TYPES


def test_the_cli_gates_the_example_with_the_pack_installed_with_it() -> None:
    done = kmsguard("--program", "examples/consumers", "--stack", "dev", cwd=ROOT)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "PASSED: no policy violations"), done.stderr


def test_default_pack_is_the_programs_own_else_kmsguards(tmp_path: Path) -> None:
    assert default_pack(EXAMPLE) == PACK
    own = tmp_path / "policies"
    own.mkdir()
    (own / "PulumiPolicy.yaml").write_text("runtime: python\n", encoding="utf-8")
    assert default_pack(tmp_path) == own


EXPECTED: dict[str, set[tuple[str, str]]] = {
    "trail-unencrypted": {("KG-R23", "trail")},
    "log-group-unencrypted": {("KG-R23", "audit-logs")},
    "topic-aws-managed-key": {("KG-R23", "events-topic")},
    "queue-sqs-managed-sse": {("KG-R23", "events-queue")},
    "bucket-aws-managed-key": {("KG-R23", "orders-data-encryption")},
    "secret-aws-managed-key": {("KG-R23", "orders-api-token")},
    "parameter-aws-managed-key": {("KG-R23", "orders-signing-salt")},
    "rds-unencrypted": {("KG-R23", "orders-db")},
    "table-aws-owned-key": {("KG-R23", "orders-table")},
    "function-environment-default-key": {("KG-R23", "orders-function")},
    "log-group-key-without-logs-preset": {("KG-S06", "audit-logs")},
    "topic-key-without-eventbridge-preset": {("KG-S06", "events-topic")},
    "trail-key-without-cloudtrail-preset": {("KG-S06", "trail")},
    "queue-key-without-sns-delivery-preset": {("KG-S06", "events-queue")},
    "topic-key-without-alarm-preset": {("KG-S06", "events-topic")},
    "secret-on-the-orders-key": {("KG-S07", "orders-api-token")},
    "table-tagged-with-another-data-class": {("KG-S07", "orders-table")},
    "log-group-key-scoped-to-another-log-group": {("KG-S06", "audit-logs")},
    "trail-key-scoped-to-another-trail": {("KG-S06", "trail")},
    "queue-key-scoped-to-another-topic": {("KG-S06", "events-queue")},
}


def test_every_break_has_an_expectation_and_changes_one_snippet(tmp_path: Path) -> None:
    """A break whose snippet no longer matches the example fails here, by name."""
    assert set(EXPECTED) == set(BREAKS)
    for name, change in BREAKS.items():
        program = broken_copy(tmp_path / name, change)
        assert (program / change.file).read_text(encoding="utf-8") != (EXAMPLE / change.file).read_text(
            encoding="utf-8"
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_consumer_fires_exactly_its_rules(name: str, tmp_path: Path) -> None:
    result = _gate(broken_copy(tmp_path, BREAKS[name]), "prod")
    assert _fired(result) == EXPECTED[name]
