"""The benchmark's synthetic catalogs register exactly six (keys) or seven (mixed) resources per key."""

from pathlib import Path

from bench.catalog import RESOURCES_PER_KEY, write
from kmsguard.gate import capture, project
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE, REPLICA_KEY_TYPE


def test_each_key_brings_an_alias_and_two_replicas_with_aliases(tmp_path: Path) -> None:
    program = write(tmp_path / "catalog", keys=3)
    resources = capture.run_program(project.load(program, "bench"), lambda _: None)
    custom = [r for r in resources if r.custom]
    assert len(custom) == 3 * RESOURCES_PER_KEY["keys"]
    assert sorted({r.type for r in custom}) == [
        ALIAS_TYPE,
        KEY_TYPE,
        REPLICA_KEY_TYPE,
    ]
    assert sorted(r.name for r in custom if r.name.startswith("k0")) == [
        "k0",
        "k0-alias",
        "k0-alias-eu-west-1",
        "k0-alias-us-west-2",
        "k0-eu-west-1",
        "k0-us-west-2",
    ]


def test_the_mixed_catalog_gives_each_key_an_alias_and_five_consumers(tmp_path: Path) -> None:
    program = write(tmp_path / "mixed", keys=3, program="mixed")
    resources = capture.run_program(project.load(program, "bench"), lambda _: None)
    custom = [r for r in resources if r.custom]
    assert len(custom) == 3 * RESOURCES_PER_KEY["mixed"]
    assert sorted(r.name for r in custom if r.name.startswith("k0")) == [
        "k0", "k0-alias", "k0-logs", "k0-queue", "k0-secret", "k0-table", "k0-topic",
    ]  # fmt: skip
