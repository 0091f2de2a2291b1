"""Typed KMS key specs (pydantic v2, frozen, unknown fields refused).

Entry points: `KmsKeySpec.model_validate(data, context=...)` (pydantic errors) and
`parse_key_spec(data, environments=...) -> KmsKeySpec` (raises `kmsguard.errors.SpecError`).

Names that differ from the first brief: `multi_region` is the field (a `MultiRegionSpec` or None,
so it is truthy exactly when the key is multi-region); the boolean is `multi_region_enabled`.
`generations` (manual-rotation ids, oldest first) and `with_region(region)` are extra helpers.

Decisions worth knowing:
- The environment list is validation context, not a field: it is an organisation's convention,
  not a property of one key. `parse_key_spec(data, environments=[...])`, or
  `model_validate(data, context={"environments": [...]})`; default `facts.DEFAULT_ENVIRONMENTS`.
- The key kind is one discriminated choice under `kind.type`: symmetric, rsa_encryption, signing,
  key_agreement, hmac, imported, cloudhsm, external_key_store.
- Manual rotation (`rotation.manual.generations`, oldest first) is allowed for every kind and
  combines with automatic rotation: on a symmetric key each generation also rotates its material.
- The `Environment` tag is `environment`; `MultiRegionReason` is `multi_region.reason`.
- AWS services that use the key themselves (CloudTrail, CloudWatch Logs, SNS publishers, SQS fed by
  SNS, EventBridge buses, Route 53 DNSSEC, Auto Scaling's EBS volumes) are typed presets under
  `integrations`; each becomes the statements AWS documents for it (kmsguard.builders.integrations).
- Encryption-context requirements apply to users, encrypt-only/decrypt-only users and cross-account
  users, not to service users (their AWS service sets its own context).
"""

from kmsguard.spec.access import (
    CrossAccountAccess,
    EncryptionContextSpec,
    ExtraStatement,
    GrantConstraints,
    GrantSpec,
    MfaSpec,
    Principals,
    ServiceUser,
    UsageRole,
)
from kmsguard.spec.integrations import (
    AutoScalingEbs,
    CloudTrailLogs,
    CloudWatchLogs,
    EventBridgeBus,
    Route53Dnssec,
    ServiceIntegrations,
    SnsTopicPublishers,
    SqsFromSns,
)
from kmsguard.spec.key import (
    ENVIRONMENTS_CONTEXT_KEY,
    KeyTags,
    KmsKeySpec,
    ManualRotation,
    MultiRegionSpec,
    RootAccess,
    RotationSpec,
    parse_key_spec,
)
from kmsguard.spec.kind import (
    KIND_TAGS,
    CloudHsmKeyStore,
    ExternalKeyStore,
    Hmac,
    ImportedMaterial,
    KeyAgreement,
    KeyKind,
    RsaEncryption,
    Signing,
    SymmetricEncryption,
)

__all__ = [
    "ENVIRONMENTS_CONTEXT_KEY",
    "KIND_TAGS",
    "AutoScalingEbs",
    "CloudHsmKeyStore",
    "CloudTrailLogs",
    "CloudWatchLogs",
    "CrossAccountAccess",
    "EncryptionContextSpec",
    "EventBridgeBus",
    "ExternalKeyStore",
    "ExtraStatement",
    "GrantConstraints",
    "GrantSpec",
    "Hmac",
    "ImportedMaterial",
    "KeyAgreement",
    "KeyKind",
    "KeyTags",
    "KmsKeySpec",
    "ManualRotation",
    "MfaSpec",
    "MultiRegionSpec",
    "Principals",
    "RootAccess",
    "RotationSpec",
    "Route53Dnssec",
    "RsaEncryption",
    "ServiceIntegrations",
    "ServiceUser",
    "Signing",
    "SnsTopicPublishers",
    "SqsFromSns",
    "SymmetricEncryption",
    "UsageRole",
    "parse_key_spec",
]
