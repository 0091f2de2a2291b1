"""IAM wildcard patterns (`*` any run of characters, `?` one character), reasoned about as languages.

Two questions the rules ask, each answered by what a pattern can match rather than by its spelling:
- does one pattern cover another (every string the second matches, the first matches too)? A Deny
  cancels an Allow only when its actions, resources and principals provably cover the Allow's;
- does a Resource pattern match every key of some account and region? `arn:aws:kms:*:*:key*`,
  `arn:aws:kms:*:*:*/*` and `arn:aws:kms:*:*:key/?*` all do, whatever their letters.

A policy variable (`${aws:username}`) in a Resource takes a value from the request, so it is read as `*`.
Every answer is cached per pattern: a stack repeats the same few patterns across a thousand keys.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from .facts import PARTITIONS

VARIABLE_RE: Final = re.compile(r"\$\{[^}]*\}", re.ASCII)


def has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value


def has_variable(value: str) -> bool:
    return "${" in value


@lru_cache(maxsize=4096)
def compile_glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """The pattern as a regular expression matching whole strings: only `*` and `?` are special
    (fnmatch would also read `[...]` as a class, which IAM does not)."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(rf"{body}\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@lru_cache(maxsize=8192)
def covers(general: str, specific: str, *, ignore_case: bool = False) -> bool:
    """True when every string `specific` matches is matched by `general` (both IAM patterns).

    Sound, not complete: `specific`'s `*` must meet a `*` of `general`, its `?` a `?` or `*`, its
    letters the same letter, `?` or `*`. A False answer may be a cover this misses; callers treat
    False as "not provably covered", which keeps a Deny from cancelling more than it does.
    """
    if ignore_case:
        general, specific = general.lower(), specific.lower()
    g_len, s_len = len(general), len(specific)
    # reach[j]: general[:i] can match specific[:j]; rolled over i.
    reach = [True] + [False] * s_len
    for i in range(g_len):
        token = general[i]
        nxt = [False] * (s_len + 1)
        if token == "*":
            running = False
            for j in range(s_len + 1):
                running = running or reach[j]
                nxt[j] = running
        else:
            for j in range(s_len):
                if reach[j] and ((token == "?" and specific[j] != "*") or token == specific[j] != "*"):
                    nxt[j + 1] = True
        reach = nxt
    return reach[s_len]


# ---------------------------------------------------------------------------------------------
# "Every key": the pattern as a small automaton, run against the language of key ARNs.
# ---------------------------------------------------------------------------------------------

_HEX: Final = frozenset("0123456789abcdef")
_DIGITS: Final = frozenset(string.digits)
_REGION_CHARS: Final = frozenset(string.ascii_lowercase + string.digits + "-")

#: One piece of a language: `count` characters (at least `low`, at most `high`) from `chars`.
_Piece = tuple[frozenset[str], int, int]


def _literal(text: str) -> tuple[_Piece, ...]:
    return tuple((frozenset(c), 1, 1) for c in text)


def _hex(n: int) -> _Piece:
    return (_HEX, n, n)


#: Key ids as KMS issues them: a UUID, or `mrk-` and 32 hex digits for multi-Region keys. A pattern
#: that matches every id of either family matches every key of that family: "all keys" to a reader.
_KEY_ID_FAMILIES: Final = (
    (_hex(8), *_literal("-"), _hex(4), *_literal("-"), _hex(4), *_literal("-"), _hex(4), *_literal("-"), _hex(12)),
    (*_literal("mrk-"), _hex(32)),
)  # fmt: skip


def _key_arn_prefix(partition: str) -> tuple[_Piece, ...]:
    """`arn:<partition>:kms:<region>:<account>:key/`, any region-shaped name and any account id."""
    return (
        *_literal(f"arn:{partition}:kms:"),
        (_REGION_CHARS, 1, 30),
        *_literal(":"),
        (_DIGITS, 12, 12),
        *_literal(":key/"),
    )


class _Glob:
    """A pattern as a nondeterministic automaton over positions; `*` may match nothing."""

    def __init__(self, pattern: str) -> None:
        self.tokens = VARIABLE_RE.sub("*", pattern).lower()

    def closure(self, states: Iterable[int]) -> frozenset[int]:
        out: set[int] = set()
        for state in states:
            out.add(state)
            # A `*` may match nothing: whoever stands before it also stands after it.
            position = state
            while position < len(self.tokens) and self.tokens[position] == "*":
                position += 1
                out.add(position)
        return frozenset(out)

    def step(self, states: frozenset[int], char: str) -> frozenset[int]:
        moved: set[int] = set()
        for state in states:
            if state == len(self.tokens):
                continue
            token = self.tokens[state]
            if token == "*":
                moved.add(state)
            elif token in ("?", char):
                moved.add(state + 1)
        return self.closure(moved)

    def accepts(self, states: frozenset[int]) -> bool:
        return len(self.tokens) in states

    def alphabet(self, chars: frozenset[str]) -> list[str]:
        """Characters of `chars` that behave differently here: each literal of the pattern, plus
        one stand-in for all the others (the automaton cannot tell them apart)."""
        literal = sorted(chars & set(self.tokens))
        others = sorted(chars - set(self.tokens))
        return literal + others[:1]


def _run(glob: _Glob, pieces: tuple[_Piece, ...], start: frozenset[int]) -> set[frozenset[int]]:
    """The pattern's state sets after reading each string of the language `pieces`. An empty set (the
    pattern can no longer match) is reported at once instead of being carried to the end."""
    frontier = {(0, 0, start)}
    seen = set(frontier)
    ends: set[frozenset[int]] = set()
    while frontier:
        nxt = set()
        for piece, count, states in frontier:
            if piece == len(pieces) or not states:
                ends.add(states)
                continue
            chars, low, high = pieces[piece]
            if count >= low:
                nxt.add((piece + 1, 0, states))
            if count < high:
                for char in glob.alphabet(chars):
                    nxt.add((piece, count + 1, glob.step(states, char)))
        frontier = nxt - seen
        seen |= frontier
    return ends


@lru_cache(maxsize=4096)
def matches_every_key(pattern: str) -> bool:
    """True when, for some partition, region and account, the pattern matches every key ARN of one
    key-id family there (matching as IAM does, case-insensitively here to fail closed)."""
    glob = _Glob(pattern)
    for partition in PARTITIONS:
        for after_prefix in _run(glob, _key_arn_prefix(partition), glob.closure({0})):
            if not after_prefix:
                continue
            for family in _KEY_ID_FAMILIES:
                if all(glob.accepts(end) for end in _run(glob, family, after_prefix)):
                    return True
    return False
