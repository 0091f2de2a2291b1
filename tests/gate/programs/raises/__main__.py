"""A program that fails the way a bad catalog does: a clear message, raised from the program."""

import pulumi_aws as aws
from catalog import load_catalog

aws.kms.Key("first", enable_key_rotation=True)
load_catalog()
