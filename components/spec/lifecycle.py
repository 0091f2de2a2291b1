"""The lifecycle of a key and of each manually rotated generation: in use → decrypt-only → disabled →
deleted, each step written in the spec.

- `in_use`: encrypts and decrypts (the active generation, or a key without rotation).
- `decrypt_only`: opens what it protected, protects nothing new (a retired generation by default).
- `disabled`: every request fails, nothing is lost; `disabled_on` records the day. The key stays
  protected (and retained on delete) in every environment for `quarantine_days`, so a removal from
  the program cannot destroy it while someone may still find data that needs it.
- `deleted`: allowed only once the quarantine has run out (`disabled_on + quarantine_days` ≤ today);
  the component then registers nothing for it, and Pulumi schedules the deletion (or, where the key is
  retained on delete, leaves it disabled in the account).
The update that first finds a disabled key's quarantine over releases it: unprotected and tagged as
approved for deletion, so the monitoring responder lets the scheduled deletion run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, Field, StrictInt, model_validator

from kmsguard.spec.types import STRICT, NamePart, spec_error

if TYPE_CHECKING:
    from kmsguard.spec.key import KmsKeySpec

QUARANTINE_DEFAULT_DAYS: Final = 90


class KeyState(StrEnum):
    """Ordered: a key or generation only moves forward (in use → decrypt-only → disabled → deleted)."""

    IN_USE = "in_use"
    DECRYPT_ONLY = "decrypt_only"
    DISABLED = "disabled"
    DELETED = "deleted"

    @property
    def rank(self) -> int:
        return list(KeyState).index(self)

    @property
    def enabled(self) -> bool:
        return self in (KeyState.IN_USE, KeyState.DECRYPT_ONLY)


_NEEDS_DATE = frozenset({KeyState.DISABLED, KeyState.DELETED})


def _date_problems(state: KeyState, disabled_on: date | None) -> list[tuple[str, str]]:
    if state in _NEEDS_DATE and disabled_on is None:
        return [("disabled_on", f"a {state} key records the day it was disabled; set it (YYYY-MM-DD)")]
    if state not in _NEEDS_DATE and disabled_on is not None:
        return [("disabled_on", f"only a disabled or deleted key has one, not an {state} key; remove it")]
    return []


class GenerationState(BaseModel):
    """The state of one retired generation of a manually rotated key."""

    model_config = STRICT
    state: KeyState = Field(
        description="decrypt_only (the default for a retired generation), disabled or deleted."
    )
    disabled_on: date | None = Field(
        default=None, description="The day the generation was disabled (disabled and deleted only)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> GenerationState:
        problems = _date_problems(self.state, self.disabled_on)
        if self.state is KeyState.IN_USE:
            problems.append(
                ("state", "a retired generation never encrypts again; use decrypt_only, disabled or deleted")
            )
        if problems:
            raise spec_error(*problems)
        return self


class Lifecycle(BaseModel):
    """Where the key (every generation) and each retired generation stand."""

    model_config = STRICT
    state: KeyState = Field(
        default=KeyState.IN_USE, description="The key's state; it bounds every generation's."
    )
    disabled_on: date | None = Field(
        default=None, description="The day the key was disabled (disabled and deleted only)."
    )
    quarantine_days: StrictInt = Field(
        default=QUARANTINE_DEFAULT_DAYS,
        ge=1,
        le=3650,
        description="Days a key or generation stays disabled (and protected) before it may be deleted.",
    )
    generations: dict[NamePart, GenerationState] = Field(
        default_factory=dict, description="Retired generations by id (default decrypt_only)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Lifecycle:
        problems = _date_problems(self.state, self.disabled_on)
        if problems:
            raise spec_error(*problems)
        return self

    def quarantine_ends(self, disabled_on: date) -> date:
        return disabled_on + timedelta(days=self.quarantine_days)


class EffectiveState(BaseModel):
    """A generation's state after the key's own: the further of the two along the lifecycle."""

    model_config = STRICT
    state: KeyState
    disabled_on: date | None
    #: The field that set it, for messages: `lifecycle` or `lifecycle.generations.<id>`.
    path: str


def effective_states(spec: KmsKeySpec) -> dict[str | None, EffectiveState]:
    """Generation id (None without manual rotation) → its state, oldest first."""
    lifecycle = spec.lifecycle
    key_level = EffectiveState(state=lifecycle.state, disabled_on=lifecycle.disabled_on, path="lifecycle")
    ids: tuple[str | None, ...] = spec.generations or (None,)
    out: dict[str | None, EffectiveState] = {}
    for i, generation in enumerate(ids):
        active = i == len(ids) - 1
        own = lifecycle.generations.get(generation) if generation is not None else None
        if own is not None:
            mine = EffectiveState(
                state=own.state, disabled_on=own.disabled_on, path=f"lifecycle.generations.{generation}"
            )
        else:
            default = KeyState.IN_USE if active else KeyState.DECRYPT_ONLY
            mine = EffectiveState(state=default, disabled_on=None, path="lifecycle")
        out[generation] = mine if mine.state.rank > key_level.state.rank else key_level
    return out


def lifecycle_problems(spec: KmsKeySpec) -> list[tuple[str, str]]:
    """Cross-field rules: states name real, retired generations."""
    problems: list[tuple[str, str]] = []
    active = spec.generations[-1] if spec.generations else None
    for generation in spec.lifecycle.generations:
        where = f"lifecycle.generations.{generation}"
        if generation not in spec.generations:
            problems.append(
                (where, "is not a generation of rotation.manual; list it there or remove it here")
            )
        elif generation == active:
            problems.append((where, "is the active generation: it follows lifecycle.state; set that instead"))
    return problems


def deletion_problems(spec: KmsKeySpec, today: date) -> list[tuple[str, str]]:
    """A deletion before the quarantine ends: the one thing the components never do."""
    problems: list[tuple[str, str]] = []
    for state in _unique(effective_states(spec)).values():
        if state.state is KeyState.DELETED and state.disabled_on is not None:
            ends = spec.lifecycle.quarantine_ends(state.disabled_on)
            if today < ends:
                problems.append(
                    (
                        f"{state.path}.state",
                        f"deleted before its quarantine ends on {ends.isoformat()}; keep it disabled until then",
                    )
                )
    return problems


def released(spec: KmsKeySpec, state: EffectiveState, today: date) -> bool:
    """A disabled key whose quarantine is over: it may be deleted by the next update."""
    return (
        state.state is KeyState.DISABLED
        and state.disabled_on is not None
        and today >= spec.lifecycle.quarantine_ends(state.disabled_on)
    )


def _unique(states: Mapping[str | None, EffectiveState]) -> dict[str, EffectiveState]:
    # Generations that inherit the key's state share its path: report it once.
    return {s.path: s for s in states.values()}
