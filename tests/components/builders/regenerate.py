"""Rewrite `expected/*.json` from `cases.CASES`: `python -m tests.components.builders.regenerate`.

Review the diff before committing it: these files are what a security reviewer signs.
"""

from __future__ import annotations

import json
from pathlib import Path

from kmsguard.builders import build_consumer_policies, build_key_policy, render_policy
from kmsguard.spec import parse_key_spec
from tests.components.builders.cases import CASES, Case
from tests.components.spec.baseline import ACCOUNT

EXPECTED = Path(__file__).parent / "expected"


def rendered(case: Case) -> dict[str, str]:
    """File name → exact content for one case: the key policy, and consumer policies if any."""
    spec = parse_key_spec(case.spec)
    policy = build_key_policy(
        spec, account_id=ACCOUNT, partition=case.partition, region=case.region, retired=case.retired
    )
    files = {"key-policy.json": render_policy(policy) + "\n"}
    if case.key_arns:
        consumers = build_consumer_policies(spec, key_arns=case.key_arns)
        files["consumer-policies.json"] = json.dumps(consumers, indent=2) + "\n"
    return files


def all_files() -> dict[str, str]:
    return {f"{name}.{file}": text for name, case in CASES.items() for file, text in rendered(case).items()}


def main() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for stale in EXPECTED.glob("*.json"):
        stale.unlink()
    for name, text in all_files().items():
        (EXPECTED / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(list(EXPECTED.glob('*.json')))} files to {EXPECTED.name}/")


if __name__ == "__main__":
    main()
