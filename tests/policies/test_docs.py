"""The generated rule reference (policies/RULES.md) is current and says everything the metadata says."""

from pathlib import Path

import pytest

from kmsguard.policies.docs import RULES_MD, main, render
from kmsguard.policies.registry import all_rules

SECTION_HEADINGS = (
    "### What it checks",
    "### Why",
    "### How to fix",
    "### Frameworks",
    "### Configuration",
    "### Unknown values during preview",
    "### Remediable",
)


def test_committed_reference_is_not_stale() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == render(), (
        "policies/RULES.md is stale; run `make docs` (python -m kmsguard.policies.docs --write)"
    )


def test_check_fails_on_a_stale_or_missing_file_and_passes_after_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "RULES.md"
    assert main(["--check", "--path", str(target)]) == 1
    target.write_text(render() + "hand edit\n", encoding="utf-8")
    assert main(["--check", "--path", str(target)]) == 1
    assert "RULES.md is stale; run `make docs`" in capsys.readouterr().err
    assert main(["--write", "--path", str(target)]) == 0
    assert main(["--check", "--path", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()


def test_render_is_deterministic_and_ordered_by_id() -> None:
    text = render()
    assert text == render(tuple(reversed(all_rules())))
    positions = [text.index(f'<a id="{r.meta.id.lower()}"></a>') for r in all_rules()]
    assert positions == sorted(positions)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.meta.id)
def test_every_rule_has_a_full_section(rule: object) -> None:
    meta = rule.meta  # type: ignore[attr-defined]
    text = render()
    start = text.index(f'<a id="{meta.id.lower()}"></a>')
    end = text.find('<a id="', start + 1)
    section = text[start : end if end != -1 else len(text)]
    assert f"## {meta.id} `{meta.name}`" in section
    assert f"[{meta.id}](#{meta.id.lower()})" in text
    for heading in SECTION_HEADINGS:
        assert heading in section
    for fragment in (meta.title, meta.description, meta.rationale, meta.remediation, meta.unknowns, meta.url):
        assert fragment in section
    assert f"- Severity: {meta.severity}" in section
    assert f"- Default enforcement: {meta.default_enforcement}" in section
    for resource_type in meta.resource_types:
        assert f"`{resource_type}`" in section
    for framework in meta.frameworks:
        assert f"- {framework.name} {framework.version}, {framework.reference}" in section
    for name in meta.config_schema:
        assert f"| `{name}` |" in section
