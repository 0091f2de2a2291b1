"""patterns: IAM wildcard patterns reasoned about by what they match, not by how they are spelt."""

import pytest

from kmsguard.policies.patterns import compile_glob, covers, matches_every_key


@pytest.mark.parametrize(
    ("general", "specific", "expected"),
    [
        pytest.param("kms:*", "kms:Decrypt", True, id="star_covers_literal"),
        pytest.param("*", "kms:*", True, id="star_covers_everything"),
        pytest.param("kms:*", "kms:De*", True, id="star_covers_narrower_star"),
        pytest.param("kms:De*", "kms:*", False, id="narrower_does_not_cover_wider"),
        pytest.param("kms:?", "kms:*", False, id="question_mark_does_not_cover_star"),
        pytest.param("kms:*", "kms:?", True, id="star_covers_question_mark"),
        pytest.param("kms:Decrypt", "kms:Decrypt", True, id="equal_literals"),
        pytest.param("kms:Decrypt", "kms:Encrypt", False, id="different_literals"),
        pytest.param("kms:*crypt", "kms:Re*crypt", True, id="inner_star"),
        pytest.param("kms:*crypt", "kms:*cryptX", False, id="suffix_differs"),
        pytest.param(
            "arn:aws:kms:*:*:key/*", "arn:aws:kms:eu-west-1:111122223333:key/*", True, id="resource_arn"
        ),
        pytest.param("a*b*c", "a?b?c", True, id="stars_cover_question_marks"),
        pytest.param("a?c", "a*c", False, id="question_mark_is_one_character"),
    ],
)
def test_covers(general: str, specific: str, expected: bool) -> None:
    assert covers(general, specific) is expected


def test_covers_can_ignore_case_for_actions() -> None:
    assert covers("KMS:*", "kms:decrypt", ignore_case=True)
    assert not covers("KMS:*", "kms:decrypt")


def test_compiled_glob_treats_brackets_literally_as_iam_does() -> None:
    assert compile_glob("kms:[D]ecrypt").match("kms:[D]ecrypt")
    assert not compile_glob("kms:[D]ecrypt").match("kms:Decrypt")
    assert compile_glob("KMS:*", ignore_case=True).match("kms:Decrypt\nx")


@pytest.mark.parametrize(
    "pattern",
    [
        "*", "arn:*", "arn:aws:kms:*", "arn:aws:kms:*:*:key*", "arn:aws:kms:*:*:*/*", "arn:aws:kms:*:*:key/?*",
        "arn:aws:kms:*:*:key/*?", "arn:aws:kms:*:*:key/?*?", "arn:aws:kms:*:*:key/*-*",
        "arn:aws:kms:*:111122223333:*", "arn:aws:kms:eu-west-1:111122223333:key/*",
        "arn:aws:kms:*:*:key/????????-????-????-????-????????????", "arn:aws:kms:*:*:key/mrk-*",
        "arn:aws-us-gov:kms:*:*:key/*", "ARN:AWS:KMS:*:*:KEY/*", "arn:aws:kms:*:*:key/${aws:username}",
        "arn:?ws:kms:*:*:key/*",
    ],
)  # fmt: skip
def test_patterns_that_match_every_key(pattern: str) -> None:
    assert matches_every_key(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:*:*:key/1234*", "arn:aws:kms:*:*:key/*a*", "arn:aws:kms:*:*:key/*/*",
        "arn:aws:kms:*:*:alias/*", "arn:aws:s3:::*", "arn:aws:kms:*:*:key/mrk-1234*",
        "arn:aws:kms:*:*:key/????????", "arn:aws:kms:*:*:key/", "",
    ],
)  # fmt: skip
def test_patterns_that_name_some_keys_only(pattern: str) -> None:
    assert not matches_every_key(pattern)
