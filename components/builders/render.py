"""Canonical JSON for policy documents: the same document always renders to the same bytes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_policy(document: Mapping[str, Any]) -> str:
    """Two-space indented JSON, keys in the builder's fixed order, non-ASCII kept, no trailing newline.

    Key order is not sorted on purpose: `Sid, Effect, Principal, Action, Resource, Condition` reads
    the way reviewers expect, and the builders emit it in that fixed order.
    """
    return json.dumps(document, indent=2, ensure_ascii=False)


def policy_size(document: Mapping[str, Any]) -> int:
    """Bytes KMS counts against its 32 KB limit for the rendered document."""
    return len(render_policy(document).encode("utf-8"))
