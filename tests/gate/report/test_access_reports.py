"""The access model in the reports: JSON against the report's schema, the terminal section, and the
Markdown summary read back by a CommonMark parser (markdown-it-py, as GitHub renders GFM tables)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt

from kmsguard.gate import wire
from kmsguard.gate.access.captured import access_of
from kmsguard.gate.access.conditions import KINDS
from kmsguard.gate.access.diff import diff
from kmsguard.gate.access.vocabulary import Capability
from kmsguard.gate.capture import Captured
from kmsguard.gate.locations import Location
from kmsguard.gate.model import GateResult, PolicyMeta, Violation
from kmsguard.gate.project import Project
from kmsguard.gate.report import jsonreport, markdown, terminal
from kmsguard.gate.report.schema import report_schema
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE

ACCOUNT = "111122223333"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_URN = "urn:pulumi:dev::p::aws:kms/key:Key::analytics"
PIPELINE = f"arn:aws:iam::{ACCOUNT}:role/EventsPipeline"
ADMIN = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/PulumiDeployer"},
         "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"}  # fmt: skip
PIPELINE_S3 = {"Sid": "Pipeline", "Effect": "Allow", "Principal": {"AWS": PIPELINE}, "Action": "kms:Decrypt",
               "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}  # fmt: skip


WHERE = Location(Path("/p/Pulumi.dev.yaml"), 12, 5, "kmsguard:catalog.data_classes[0]")


def captured(type_: str, name: str, outputs: dict[str, Any]) -> Captured:
    urn = f"urn:pulumi:dev::p::{type_}::{name}"
    return Captured(urn, type_, name, True, "", wire.from_python({}), wire.from_python(outputs))


def result(*statements: dict[str, Any], passing: bool = False) -> GateResult:
    project = Project("p", Path("/p"), Path("/p/__main__.py"), "dev", Path("/p/Pulumi.dev.yaml"),
                      config={"kmsguard:accountId": ACCOUNT})  # fmt: skip
    resources = [
        captured(KEY_TYPE, "analytics", {
            "arn": KEY_ARN, "keyId": KEY_ARN.rsplit("/", 1)[-1], "region": "eu-west-1",
            "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
        }),
        captured(ALIAS_TYPE, "alias", {"name": "alias/prod-analytics", "targetKeyId": KEY_ARN}),
    ]  # fmt: skip
    violation = Violation(
        "kms-key-requires-rotation", "KG-R01", "high", "mandatory", KEY_URN, "rotation is off", WHERE
    )
    rotation = PolicyMeta(
        "kms-key-requires-rotation", "Rotation", "Rotate keys.", "high", "mandatory", tags=("KG-R01",)
    )
    found = GateResult(project, "kmsguard", "1.0.0", [rotation], resources, [] if passing else [violation])
    found.access = access_of(resources, project)
    return found


def changed(passing: bool = False) -> GateResult:
    base, head = result(ADMIN), result(ADMIN, PIPELINE_S3, passing=passing)
    head.access_changes = diff(base.access, head.access)
    return head


def test_the_schema_is_a_valid_draft_2020_12_schema_naming_every_capability() -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["capability"]["enum"] == [c.value for c in Capability]
    assert schema["$defs"]["requirement"]["properties"]["kind"]["enum"] == list(KINDS)


@pytest.mark.parametrize(
    "make", [pytest.param(lambda: result(ADMIN), id="no_baseline"), pytest.param(changed, id="with_changes")]
)
def test_json_report_validates_against_the_schema(make: Any) -> None:
    document = json.loads(jsonreport.render(make()))
    jsonschema.Draft202012Validator(report_schema()).validate(document)


def test_the_schema_names_exactly_what_a_violation_carries_located_or_not() -> None:
    schema = report_schema()
    found = result(ADMIN)
    found.violations.append(replace(found.violations[0], location=None))
    document = json.loads(jsonreport.render(found))
    jsonschema.Draft202012Validator(schema).validate(document)
    entry = schema["properties"]["violations"]["items"]
    assert [set(v) for v in document["violations"]] == [set(entry["required"]), set(entry["properties"])]
    assert [v["location"] for v in document["violations"]] == [
        {
            "file": "/p/Pulumi.dev.yaml",
            "line": 12,
            "column": 5,
            "config_key": "kmsguard:catalog.data_classes[0]",
        },
        None,
    ]
    location = schema["$defs"]["location"]
    assert (
        set(location["required"]) == set(location["properties"]) == set(document["violations"][0]["location"])
    )


def test_the_schema_rejects_an_access_entry_with_a_capability_outside_the_vocabulary() -> None:
    document = json.loads(jsonreport.render(result(ADMIN)))
    document["access"][0]["capabilities"] = ["decrypt", "teleport"]
    with pytest.raises(jsonschema.ValidationError, match="'teleport' is not one of"):
        jsonschema.Draft202012Validator(report_schema()).validate(document)


def test_json_access_entry_exact() -> None:
    document = json.loads(jsonreport.render(result(PIPELINE_S3)))
    assert document["access"] == [
        {
            "key": KEY_URN, "key_name": "prod-analytics", "principal": PIPELINE, "principal_kind": "arn",
            "capabilities": ["decrypt"], "controls_key": False, "unresolved": None,
            "conditions": {"decrypt": [[{"kind": "via-service", "summary": "via S3 only", "operator": "StringEquals",
                                         "key": "kms:ViaService", "values": ["s3.eu-west-1.amazonaws.com"]}]]},
        }
    ]  # fmt: skip
    assert "access_changes" not in document


def test_terminal_leads_with_the_changes_and_tables_each_key_after_the_plan() -> None:
    text = terminal.plain(changed())
    lines = text.splitlines()
    assert lines[2:5] == [
        "Access changes against the baseline: 1 added, 0 removed",
        "  + role/EventsPipeline can now decrypt prod-analytics (via S3 only)",
        "",
    ]
    start = lines.index("Access (who can do what with each key; * controls the key):")
    assert lines[start + 1 : start + 4] == [
        f"  prod-analytics  {KEY_URN}",
        "     role/EventsPipeline: decrypt (via S3 only)",
        "   * role/PulumiDeployer: change-policy, describe",
    ]
    assert start > lines.index("KMS keys:")


def _parse(text: str) -> list[Any]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def test_markdown_summary_parses_and_leads_with_what_changed() -> None:
    tokens = _parse(markdown.render(changed()))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "kmsguard preview: p / dev",
        "Access changes: 1 added, 0 removed",
        "Findings",
        "Who controls each key",
        "Access by key",
        "prod-analytics",
    ]
    [fence] = [t for t in tokens if t.type == "fence"]
    assert (fence.info, fence.content) == (
        "diff",
        "+ role/EventsPipeline can now decrypt prod-analytics (via S3 only)\n",
    )
    findings, controls, by_key = _table_rows(tokens)
    assert findings == [
        ["rule", "enforcement", "resource", "where", "finding"],
        ["KG-R01", "mandatory", "analytics", "/p/Pulumi.dev.yaml:12:5 (kmsguard:catalog.data_classes[0])",
         "rotation is off"],
    ]  # fmt: skip
    assert controls == [["key", "can change its policy"], ["prod-analytics", "role/PulumiDeployer"]]
    assert by_key == [
        ["principal", "controls", "capabilities (conditions)", "note"],
        ["role/EventsPipeline", "", "decrypt (via S3 only)", ""],
        ["role/PulumiDeployer", "yes", "change-policy, describe", ""],
    ]


def _table_rows(tokens: list[Any]) -> list[list[list[str]]]:
    """Each table's rows of cell texts, as a reader sees them (escapes resolved by the parser)."""
    tables: list[list[list[str]]] = []
    in_cell = False
    for t in tokens:
        if t.type == "table_open":
            tables.append([])
        elif t.type == "tr_open":
            tables[-1].append([])
        elif t.type in ("th_open", "td_open"):
            in_cell = True
        elif t.type == "inline" and in_cell:
            tables[-1][-1].append("".join(c.content for c in t.children or []))
            in_cell = False
        elif t.type in ("th_close", "td_close") and in_cell:
            tables[-1][-1].append("")
            in_cell = False
    return tables


def test_markdown_cells_escape_pipes_and_markup_from_policy_values() -> None:
    hostile = {**PIPELINE_S3, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a|b*c*<script>"}}}
    rows = _table_rows(_parse(markdown.render(result(ADMIN, hostile))))[2]
    assert rows[1] == [
        "role/EventsPipeline",
        "",
        "decrypt (aws:PrincipalTag/team StringEquals a|b*c*<script>)",
        "",
    ]


def test_markdown_without_baseline_says_so_and_stays_under_github_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = _parse(markdown.render(result(ADMIN)))
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert paragraphs[1] == "Policies in force: 1 policies: 1 mandatory, 0 advisory, 0 disabled"
    assert paragraphs[2] == "_No baseline given (`--baseline BASE.json`)._"
    monkeypatch.setattr(markdown, "BUDGET_BYTES", 300)
    text = markdown.render(result(ADMIN))
    assert text.endswith("_1 more keys are in the JSON report (`--json`)._\n")


def test_the_readme_shows_exactly_this_summary() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("````markdown\n", 1)[1].split("````\n", 1)[0]
    assert shown == markdown.render(changed(passing=True))


def test_rich_terminal_leads_with_changes_and_prints_policy_values_literally() -> None:
    import io  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415

    hostile = {**PIPELINE_S3, "Sid": "Other", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Other"},
               "Condition": {"StringEquals": {"aws:PrincipalTag/team": "[bold]x[/bold]"}}}  # fmt: skip
    head = result(ADMIN, PIPELINE_S3, hostile)
    head.access_changes = diff(result(ADMIN).access, head.access)
    buffer = io.StringIO()
    terminal._rich(head, Console(file=buffer, width=400, color_system=None))
    out = buffer.getvalue()
    first = out.index("+ role/EventsPipeline can now decrypt prod-analytics (via S3 only)")
    assert first < out.index("Resources (2)") < out.index("Access: prod-analytics")
    assert "decrypt (aws:PrincipalTag/team StringEquals [bold]x[/bold])" in out


def test_markdown_under_a_small_budget_keeps_its_fence_closed_and_says_what_it_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [
        {**PIPELINE_S3, "Sid": f"R{i}", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Reader{i:03}"}}
        for i in range(60)
    ]
    head = result(ADMIN, *many)
    head.access_changes = diff(result(ADMIN).access, head.access)
    monkeypatch.setattr(markdown, "BUDGET_BYTES", 4000)
    text = markdown.render(head)
    tokens = _parse(text)
    [fence] = [t for t in tokens if t.type == "fence"]
    shown = fence.content.splitlines()
    assert shown[-1] == f"… {61 - len(shown)} more changes are in the JSON report (access_changes)"
    assert all(line.startswith("+ role/Reader") for line in shown[:-1])
    assert len(text.encode()) < 4000 + 200
    assert text.endswith("_1 more keys are in the JSON report (`--json`)._\n")
