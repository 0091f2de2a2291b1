"""The AWS regions of each partition where KMS is offered, from botocore's endpoint data.

botocore's data ships with every AWS SDK release, so a new region reaches kmsguard with a
dependency update rather than an edit here; the region-code pattern in the KMS facts only says what a
region looks like, this says which ones exist.
"""

from __future__ import annotations

import difflib
from functools import cache

from kmsguard.facts import PARTITIONS


@cache
def partition_regions(partition: str) -> frozenset[str]:
    """KMS regions of one partition (empty for a partition kmsguard does not support)."""
    if partition not in PARTITIONS:
        return frozenset()
    # botocore builds its loaders on first use (about 0.1 s); only specs and builders need it.
    import botocore.session  # noqa: PLC0415

    return frozenset(botocore.session.Session().get_available_regions("kms", partition_name=partition))


@cache
def known_regions() -> frozenset[str]:
    return frozenset().union(*(partition_regions(p) for p in PARTITIONS))


def partition_of(region: str) -> str | None:
    return next((p for p in PARTITIONS if region in partition_regions(p)), None)


def unknown_region_message(region: str, partition: str | None = None) -> str:
    """What to say about a region that is not in the partition (or in any supported one)."""
    home = partition_of(region)
    if partition and home:
        return f"{region!r} is in partition {home}, not {partition}; use a region of {partition}"
    choices = sorted(partition_regions(partition) if partition else known_regions())
    where = f"partition {partition}" if partition else "AWS"
    # A high cutoff: a typo (eu-centrl-1) gets one suggestion, anything else the whole list.
    close = difflib.get_close_matches(region, choices, n=1, cutoff=0.85)
    hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(choices)}"
    return f"{region!r} is not a KMS region of {where}; {hint}"
