"""The plan's roles come from the key policy's Sids, read with the pack's own parser."""

import json

from gate.report.plan import _roles


def test_roles_are_the_sids_of_every_statement_including_a_single_object_statement() -> None:
    single = {
        "Version": "2012-10-17",
        "Statement": {"Sid": "KeyUsage", "Effect": "Allow", "Action": "kms:Decrypt"},
    }
    listed = {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Action": "kms:DescribeKey"},
        {"Effect": "Allow", "Action": "kms:Encrypt"},
    ]}  # fmt: skip
    assert _roles(json.dumps(single)) == ["KeyUsage"]
    assert _roles(listed) == ["KeyAdministration"]


def test_a_policy_that_does_not_parse_is_named_and_an_absent_one_has_no_roles() -> None:
    assert _roles("{not json") == ["(unparseable policy)"]
    assert _roles(None) == []
