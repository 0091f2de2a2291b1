"""Pulumi.yaml and Pulumi.<stack>.yaml are read as the CLI reads them."""

from pathlib import Path

import pytest

from kmsguard.gate import project
from kmsguard.gate.errors import GateError


def _write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def test_config_flattened_like_pulumi_config(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: demo\nruntime: python\nmain: src\nstackConfigDir: stacks\n"
            "config:\n  tier:\n    default: gold\n",
            "src/__main__.py": "",
            "stacks/Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds: ['444455556666']\n"
            "  demo:count: 3\n  enabled: true\n  token:\n    secure: v1:abc\n  kmsguard:catalog:\n    keys: [{name: a}]\n",
        },
    )
    loaded = project.load(tmp_path, "dev")
    assert loaded.main == (tmp_path / "src" / "__main__.py").resolve()
    assert loaded.config == {
        "demo:tier": "gold",
        "aws:region": "eu-west-1",
        "aws:allowedAccountIds": '["444455556666"]',
        "demo:count": "3",
        "demo:enabled": "true",
        "demo:token": project.SECRET_PLACEHOLDER,
        "kmsguard:catalog": '{"keys": [{"name": "a"}]}',
    }
    assert loaded.secret_keys == ("demo:token",)
    assert (loaded.account_id, loaded.partition, loaded.region) == ("444455556666", "aws", "eu-west-1")


def test_account_falls_back_to_kmsguard_config_then_default(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: d\nruntime: python\n",
            "__main__.py": "",
            "Pulumi.a.yaml": "config:\n  kmsguard:accountId: '111122223333'\n  kmsguard:partition: aws-cn\n",
            "Pulumi.b.yaml": "",
        },
    )
    assert (project.load(tmp_path, "a").account_id, project.load(tmp_path, "a").partition) == (
        "111122223333",
        "aws-cn",
    )
    assert project.load(tmp_path, "b").account_id == project.DEFAULT_ACCOUNT


@pytest.mark.parametrize(
    ("files", "stack", "expected"),
    [
        ({}, "dev", "no Pulumi.yaml"),
        ({"Pulumi.yaml": "name: d\nruntime: nodejs\n"}, "dev", "runtime 'nodejs'"),
        (
            {"Pulumi.yaml": "name: d\nruntime: python\n", "__main__.py": ""},
            "prod",
            "stack 'prod' has no config file",
        ),
        (
            {"Pulumi.yaml": "name: d\nruntime: python\nmain: app.py\n", "Pulumi.dev.yaml": ""},
            "dev",
            "the program app.py does not exist",
        ),
    ],
)
def test_bad_project_names_the_problem(
    tmp_path: Path, files: dict[str, str], stack: str, expected: str
) -> None:
    _write(tmp_path, files)
    with pytest.raises(GateError) as caught:
        project.load(tmp_path, stack)
    assert expected in caught.value.problem
