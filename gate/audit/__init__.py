"""`kmsguard audit` and `kmsguard adopt`: live KMS keys through the gate's own pipeline.

Live keys are read (read-only, see `aws`), turned into the resource shapes the gate captures from a
program (`shapes`), judged by the same pack over the same gRPC driver and reported by the same writers.
"""
