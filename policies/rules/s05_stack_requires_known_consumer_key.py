"""S5: what one consumer cannot show alone: a key unknown at preview comes from this stack, and a bucket
without inline encryption has a separate default-encryption resource."""

from __future__ import annotations

from collections.abc import Sequence

from ..consumer_links import StackKeys, region_of, sources_of, stack_region
from ..consumers import Verdict, consumer_types
from ..facts import (
    CONSUMERS,
    DELEGATED_KEYS,
    RESERVED_ALIAS_PREFIX,
    S3_BUCKET_SSE_TYPE,
    S3_BUCKET_SSE_V2_TYPE,
    S3_BUCKET_TYPES,
)
from ..rule import Context, Finding, Resource, Result, RuleMeta, Severity, StackRule, violations
from .r23_consumer_requires_customer_key import META as R23
from .r23_consumer_requires_customer_key import REQUIRE_CUSTOMER_KEY_SCHEMA, required

META = RuleMeta(
    id="KG-S05",
    name="kms-stack-requires-known-consumer-key",
    title="A consumer's key unknown at preview comes from this stack; every bucket has default encryption",
    description=(
        "During preview the ARN of a key created in the same update is unknown, so KG-R23 cannot tell a "
        "customer key from an AWS managed one. This rule finishes the job with the whole stack: where "
        "the environment requires customer keys (KG-R23's `requireCustomerKey`), every consumer whose key "
        "reference is unknown must get it from a key or alias of this stack, as the property "
        "dependencies of the key property (else the consumer's dependencies) show. A reference that "
        "comes from anything else (a stack reference, a lookup, an unrelated output) cannot be judged "
        "and is a violation. Likewise a bucket (`aws.s3.Bucket`, or the deprecated `aws.s3.BucketV2`) "
        "without the inline server-side encryption configuration needs an "
        "`aws.s3.BucketServerSideEncryptionConfiguration` (or its V2 name) in the stack whose `bucket` "
        "is that bucket (by name, or by property dependency): without one, S3 applies SSE-S3, the "
        "provider's default. And EBS encryption by default (`aws.ebs.EncryptionByDefault`, on) needs an "
        "`aws.ebs.DefaultKmsKey` of the same region in the stack (KG-R23 judges its key): without one, "
        "new volumes are encrypted with the AWS managed key `alias/aws/ebs`."
    ),
    rationale=(
        "A gate that passes every unknown key would let `alias/aws/s3` through as soon as it is wrapped "
        "in an output; one that fails every unknown key would fail every correct program. The stack's "
        "graph tells the two apart."
    ),
    remediation=(
        "Pass the consumer the `arn` (or `key_id`) of a key, or the `name` of an alias, created in this "
        "stack; for a key created elsewhere, pass its ARN or alias as a literal or configuration value. "
        "Give every bucket an `aws.s3.BucketServerSideEncryptionConfiguration` with `sse_algorithm` "
        "`aws:kms` and a customer key; beside EBS encryption by default, set the region's default key "
        "with `aws.ebs.DefaultKmsKey`."
    ),
    url=R23.url,
    severity=Severity.HIGH,
    resource_types=consumer_types(),
    unknowns=(
        "This rule is about unknowns: an unknown reference that comes from a key or alias of the stack "
        "passes (KG-S06 and KG-S07 judge that key); one traced to nothing, or with no dependency "
        "information at all, is a violation."
    ),
    frameworks=R23.frameworks,
    config_schema={"requireCustomerKey": REQUIRE_CUSTOMER_KEY_SCHEMA},
)


def _bucket_findings(resources: Sequence[Resource], context: Context, stack: StackKeys) -> list[Finding]:
    """Buckets that neither configure encryption inline nor have a separate configuration."""
    bare = [
        b
        for b in resources
        if b.type in S3_BUCKET_TYPES
        and all(u.verdict is Verdict.NOT_STORED for u in stack.uses(b))
        and required(b, context)
    ]
    if not bare:
        return []
    names: set[str] = set()
    sources: set[str] = set()
    for config in resources:
        if config.type not in (S3_BUCKET_SSE_TYPE, S3_BUCKET_SSE_V2_TYPE):
            continue
        if isinstance(bucket := config.props.get("bucket"), str):
            names.add(bucket)
        sources.update(sources_of(config, "bucket") or ())
    return [
        Finding(
            f"bucket {b.name!r} has no default encryption configuration, so S3 applies SSE-S3, the "
            "provider's default; add an aws.s3.BucketServerSideEncryptionConfiguration for it with "
            "sse_algorithm aws:kms and a customer managed key",
            b.urn,
        )
        for b in bare
        if b.urn not in sources and not ({b.props.get("bucket"), b.props.get("id")} & names)
    ]


def _delegated_findings(resources: Sequence[Resource], context: Context, stack: StackKeys) -> list[Finding]:
    """Consumers whose key another resource sets (EBS encryption by default) without that resource in
    their region."""
    setters: dict[str, set[str | None]] = {}
    for resource in resources:
        if resource.type in DELEGATED_KEYS.values():
            setters.setdefault(resource.type, set()).add(region_of(resource, stack.default_region))
    findings: list[Finding] = []
    for resource in resources:
        setter = DELEGATED_KEYS.get(resource.type)
        if setter is None or not required(resource, context):
            continue
        if not any(u.verdict is Verdict.DELEGATED for u in stack.uses(resource)):
            continue
        region = region_of(resource, stack.default_region)
        regions = setters.get(setter, set())
        # A region nobody states matches any: the provider's region is the stack's.
        if region in regions or (regions and (region is None or None in regions)):
            continue
        service = CONSUMERS[resource.type].service
        short = setter.split(":")[-1]
        findings.append(
            Finding(
                f"{resource.name!r} turns {service.upper()} encryption by default on, but no "
                f"aws.{service}.{short} of region {region or '(the provider default)'} is in the stack, so "
                f"new volumes are encrypted with the AWS managed key {RESERVED_ALIAS_PREFIX}{service}; add "
                f"an aws.{service}.{short} with a customer managed key",
                resource.urn,
            )
        )
    return findings


def check(resources: Sequence[Resource], context: Context) -> Result:
    if not any(r.type in CONSUMERS for r in resources):
        return violations([])
    # Shared with KG-S06 and KG-S07 (the same decoded stack object), so indexing here costs them nothing.
    stack = StackKeys.of(resources, stack_region(context))
    findings = _bucket_findings(resources, context, stack)
    findings.extend(_delegated_findings(resources, context, stack))
    for consumer in resources:
        if consumer.type not in CONSUMERS:
            continue
        pending = [u for u in stack.uses(consumer) if u.verdict is Verdict.UNKNOWN_KEY]
        if not pending or not required(consumer, context):
            continue
        findings.extend(
            Finding(
                f"{use.where}: cannot judge: {use.key_path} is unknown during preview and does not come "
                "from a key or alias of this stack; pass the ARN of a key (or the name of an alias) of "
                "this stack, or name the key literally",
                consumer.urn,
            )
            for use in pending
            if not stack.keys_of(consumer, use)
        )
    return violations(findings)


RULE = StackRule(META, check)
