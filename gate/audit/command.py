"""`kmsguard audit`: every customer-managed key of an account, judged by the pack, reported as a preview.

The result is an ordinary `GateResult` — project `kmsguard-audit`, stack = the account id, each
resource's URN its ARN — so every report writer renders it as it renders a preview.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import kmsguard.policies
from kmsguard.gate.audit import findings, shapes
from kmsguard.gate.audit.aws import Clients, enabled_regions
from kmsguard.gate.audit.collect import RegionRead, Tick, read_region
from kmsguard.gate.audit.drive import judge
from kmsguard.gate.errors import GateError
from kmsguard.gate.model import GateResult
from kmsguard.gate.policyconfig import read_file
from kmsguard.gate.project import Project
from kmsguard.gate.report import terminal

PROJECT: Final = "kmsguard-audit"
#: The pack shipped with kmsguard: the folder of `kmsguard.policies`.
BUNDLED_PACK: Final = Path(kmsguard.policies.__file__).parent

Report = Callable[[GateResult, argparse.Namespace], int]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        action="append",
        default=[],
        help="region to audit (repeatable; default: every region enabled for the account)",
    )
    parser.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    parser.add_argument("--endpoint-url", help="KMS-compatible endpoint, e.g. a local moto server")
    parser.add_argument(
        "--policy-pack", type=Path, default=None, help="policy pack folder (default: kmsguard's own pack)"
    )
    parser.add_argument("--policy-config", type=Path, help="JSON file in the --policy-pack-config format")
    parser.add_argument("--json", type=Path, help="write the result as JSON to FILE")
    parser.add_argument("--sarif", type=Path, help="write SARIF 2.1.0 to FILE")
    parser.add_argument("--junit", type=Path, help="write JUnit XML to FILE")
    parser.add_argument("--markdown", type=Path, help="write a summary in Markdown (access model first)")


def audit(args: argparse.Namespace, report: Report) -> int:
    clients = Clients(args.profile, args.endpoint_url)
    result, reads = run_audit(
        clients,
        regions=list(args.region),
        pack_dir=args.policy_pack or BUNDLED_PACK,
        user_config=read_file(args.policy_config) if args.policy_config is not None else {},
        config_source=args.policy_config.name if args.policy_config is not None else "policy config",
    )
    keys = sum(len(r.keys) for r in reads)
    skipped = sum(r.aws_managed for r in reads)
    print(
        f"kmsguard audit — account {result.project.stack}: {keys} customer-managed key(s) in "
        f"{len(reads)} region(s) ({', '.join(r.region for r in reads)}); {skipped} AWS-managed key(s) "
        f"counted and skipped; {clients.counter.total} API calls"
    )
    return report(result, args)


def run_audit(
    clients: Clients,
    *,
    regions: list[str],
    pack_dir: Path,
    user_config: dict[str, Any],
    config_source: str = "policy config",
) -> tuple[GateResult, list[RegionRead]]:
    account = account_of(clients, regions)
    chosen = regions or enabled_regions(clients)
    with _progress() as tick:
        reads = [read_region(clients, region, tick) for region in chosen]
    keys = [k for r in reads for k in r.keys]
    project = audit_project(account, chosen[0] if chosen else clients.default_region())
    result = judge(
        project, pack_dir, shapes.resources(keys), user_config=user_config, config_source=config_source
    )
    result.policies.extend(findings.POLICIES)
    for key in keys:
        result.violations.extend(findings.for_key(key))
    result.timings["aws_managed_keys"] = float(sum(r.aws_managed for r in reads))
    result.timings["api_calls"] = float(clients.counter.total)
    return result, reads


def audit_project(account: str, region: str) -> Project:
    """The stack the pack is told about: the account is the stack, and its own account for the rules
    that tell own principals from foreign ones (`aws:allowedAccountIds`)."""
    here = Path.cwd()
    return Project(
        name=PROJECT,
        directory=here,
        main=here / "live-kms",
        stack=account,
        stack_file=here / "live-kms",
        config={"aws:allowedAccountIds": json.dumps([account]), "aws:region": region},
    )


def account_of(clients: Clients, regions: list[str]) -> str:
    region = regions[0] if regions else clients.default_region()
    try:
        return str(clients.client("sts", region).get_caller_identity()["Account"])
    except Exception as exc:  # no credentials, bad endpoint: botocore has several families
        raise GateError(f"cannot tell which AWS account to audit: {exc}", "check the credentials") from None


@contextmanager
def _progress() -> Iterator[Tick | None]:
    """A live count on an interactive terminal (an account may hold thousands of keys)."""
    if not terminal.use_rich(sys.stderr):
        yield None
        return
    from rich.progress import Progress as Bar  # noqa: PLC0415 - only on interactive terminals
    from rich.progress import SpinnerColumn, TextColumn  # noqa: PLC0415

    with Bar(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
        task = bar.add_task("reading keys…")
        counted = itertools.count(1)

        def tick(region: str) -> None:
            # Called from the reader threads: `next` on a count is atomic under the GIL.
            bar.update(task, description=f"{next(counted)} keys read ({region})")

        yield tick
