"""kmsguard's module catalog: typed specs, pure builders and Pulumi components for AWS KMS keys."""
