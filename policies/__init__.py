"""kmsguard's CrossGuard policy pack: KMS facts, policy-document parsing and rules (no pulumi imports
outside `adapter.py`)."""
