"""R19: every key says what it protects (a real description) and carries the required tags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ..facts import ALL_KEY_TYPES, REQUIRED_TAGS, RESERVED_TAG_PREFIX
from ..rule import (
    PCI_KEY_ARCHITECTURE,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    is_unknown,
    violations,
)

#: Descriptions people type when they do not mean to describe anything (compared after normalising).
PLACEHOLDER_DESCRIPTIONS: Final = frozenset(
    {
        "changeme",
        "cmk",
        "default",
        "description",
        "encryption key",
        "fixme",
        "key",
        "kms",
        "kms key",
        "managed by pulumi",
        "my key",
        "n a",
        "none",
        "placeholder",
        "tbd",
        "test",
        "test key",
        "todo",
        "xxx",
    }
)
DEFAULT_MIN_DESCRIPTION_LENGTH: Final = 10

META = RuleMeta(
    id="KG-R19",
    name="kms-key-requires-description-tags",
    title="Keys carry a meaningful description and the required tags",
    description=(
        "Every key (Key, ExternalKey, ReplicaKey, ReplicaExternalKey) has a description of at least "
        "`minDescriptionLength` characters that is neither the resource's name nor placeholder text "
        "such as `KMS key`, `test` or `todo`, and carries every tag in `requiredTags` with a non-empty "
        "value. No tag key may start with the reserved `aws:` prefix."
    ),
    rationale=(
        "A key outlives the people who made it. Its description is what the console, CloudTrail "
        "investigations and key inventories show; the tags say who owns it, who pays for it and what "
        "class of data it protects (stack rule KG-S03 relies on `DataClass`). PCI DSS asks for a "
        "documented description of each key's usage. KMS rejects tag keys with the `aws:` prefix."
    ),
    remediation=(
        "Set `description` to what the key protects and for whom (e.g. 'Encrypts order records for the "
        "payments team'). Add every required tag (by default Environment, Owner, CostCenter, DataClass) "
        "with a non-empty value directly on the key: provider default tags are not part of the "
        "resource's inputs. Rename tag keys that start with `aws:`."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html",
    severity=Severity.MEDIUM,
    resource_types=ALL_KEY_TYPES,
    unknowns=(
        "A value computed during preview was written by the program, not forgotten: an unknown "
        "description, an unknown tag value or an unknown `tags` map passes the check it affects."
    ),
    frameworks=(PCI_KEY_ARCHITECTURE,),
    config_schema={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": list(REQUIRED_TAGS),
            "description": "Tag keys every key must carry with a non-empty value.",
        },
        "minDescriptionLength": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MIN_DESCRIPTION_LENGTH,
            "description": "The shortest description accepted, in characters (surrounding spaces ignored).",
        },
    },
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normalised(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def _description_findings(description: Any, name: str, min_length: int) -> list[str]:
    if is_unknown(description):
        return []
    if not isinstance(description, str) or not description.strip():
        return ["the key has no description; set description to what the key protects and for whom"]
    text = description.strip()
    normalised = _normalised(text)
    if normalised in PLACEHOLDER_DESCRIPTIONS:
        return [f"description {text!r} is placeholder text; describe what the key protects and for whom"]
    if normalised == _normalised(name):
        return [f"description {text!r} only repeats the resource name; describe what the key protects"]
    if len(text) < min_length:
        return [
            f"description {text!r} is shorter than {min_length} characters; describe what the key "
            "protects and for whom"
        ]
    return []


def _tag_findings(tags: Any, required: list[str]) -> list[str]:
    if is_unknown(tags):
        return []
    present = tags if isinstance(tags, Mapping) else {}
    missing = [
        key
        for key in required
        if not (is_unknown(present.get(key)) or (isinstance(present.get(key), str) and present[key].strip()))
    ]
    findings: list[str] = []
    if missing:
        findings.append(
            f"required tags missing or empty: {', '.join(missing)}; add them to the key's tags with "
            "non-empty values"
        )
    findings.extend(
        f"tag key {key!r} uses the reserved {RESERVED_TAG_PREFIX!r} prefix; KMS rejects it, rename the tag"
        for key in present
        if isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIX)
    )
    return findings


def check(resource: Resource, context: Context) -> Result:
    min_length = context.config.get("minDescriptionLength", DEFAULT_MIN_DESCRIPTION_LENGTH)
    if not isinstance(min_length, int | float) or isinstance(min_length, bool):
        min_length = DEFAULT_MIN_DESCRIPTION_LENGTH
    required = context.config.get("requiredTags", list(REQUIRED_TAGS))
    if not isinstance(required, list):
        required = list(REQUIRED_TAGS)
    findings = _description_findings(resource.props.get("description"), resource.name, int(min_length))
    findings += _tag_findings(resource.props.get("tags"), [t for t in required if isinstance(t, str)])
    return violations(findings)


RULE = ResourceRule(META, check)
