"""Every rule of the pack, discovered from `kmsguard.policies.rules` (one rule per module, `RULE`)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from . import rules as rules_package
from .rule import Rule


def discover(package: ModuleType) -> tuple[Rule, ...]:
    """The `RULE` of each public module of `package`, by id; each module must be named for its rule."""
    found: list[Rule] = []
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue  # shared helpers of several rules, not rules
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        rule = getattr(module, "RULE", None)
        if rule is None:
            raise RuntimeError(f"rule module {module.__name__} defines no RULE")
        if module_info.name != rule.meta.module_name:
            raise RuntimeError(
                f"rule module {module.__name__} holds {rule.meta.id} {rule.meta.name}:"
                f" name it {rule.meta.module_name}"
            )
        found.append(rule)
    return tuple(sorted(found, key=lambda r: r.meta.id))


@cache
def all_rules() -> tuple[Rule, ...]:
    return discover(rules_package)


def rule_by_id(rule_id: str) -> Rule:
    for rule in all_rules():
        if rule.meta.id == rule_id:
            return rule
    raise KeyError(rule_id)
