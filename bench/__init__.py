"""Benchmark of the offline gate against its floor: the Pulumi SDK alone under its mock runtime."""
