from __future__ import annotations

from kmsguard.builders import policy_size, render_policy


def test_render_keeps_builder_key_order_and_unicode() -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Note": "é"}]}
    assert render_policy(document) == (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "A",\n'
        '      "Effect": "Allow",\n      "Note": "é"\n    }\n  ]\n}'
    )
    assert policy_size(document) == len(render_policy(document)) + 1  # é is two bytes in UTF-8
