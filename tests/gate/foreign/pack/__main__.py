"""A pack written against pulumi_policy alone: the gate knows of it only what GetAnalyzerInfo and
Analyze tell it (ids and resource types in policy tags, not-applicable answers)."""

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"


def rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == KEY and args.props.get("enableKeyRotation") is not True:
        report("rotation is off", None)


def alias_prefix(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == ALIAS:
        args.not_applicable("aliases are judged by another team's pack")


def anything(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Judges every resource and finds nothing."""


def stack(args: StackValidationArgs, report: ReportViolation) -> None:
    for resource in args.resources:
        if resource.resource_type == "aws:kms/replicaKey:ReplicaKey":
            report("replicas need approval", resource.urn)


PolicyPack(
    name="acme",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="acme-key-rotation",
            description="Keys rotate.",
            validate=rotation,
            enforcement_level=EnforcementLevel.MANDATORY,
            severity=Severity.HIGH,
            tags=["ACME-1", KEY],
        ),
        ResourceValidationPolicy(
            name="acme-alias-prefix",
            description="Aliases carry the team prefix.",
            validate=alias_prefix,
            tags=["ACME-2", ALIAS],
        ),
        ResourceValidationPolicy(name="acme-anything", description="Looks at everything.", validate=anything),
        StackValidationPolicy(
            name="acme-stack",
            description="Replicas are approved.",
            validate=stack,
            severity=Severity.MEDIUM,
            tags=["ACME-S1"],
        ),
    ],
)
