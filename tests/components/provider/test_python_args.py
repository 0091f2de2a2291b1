"""A Python program may pass the spec's fields as a mapping (what the provider passes): the same
children as with the spec, under the provider's type token."""

from __future__ import annotations

import copy

from kmsguard.catalog import CATALOG_TYPE_TOKEN, PROVIDER_CATALOG_TYPE_TOKEN, KeyCatalog
from kmsguard.key import KEY_TYPE_TOKEN, PROVIDER_KEY_TYPE_TOKEN, KmsKey
from tests.components.factories import REGION, full_symmetric
from tests.components.mocks import run
from tests.components.provider.harness import comparable
from tests.components.test_catalog import CATALOG, catalog

CONFIG = {"aws:region": REGION}
TOKENS = {PROVIDER_KEY_TYPE_TOKEN: KEY_TYPE_TOKEN, PROVIDER_CATALOG_TYPE_TOKEN: CATALOG_TYPE_TOKEN}


def test_a_mapping_registers_what_the_spec_registers_under_the_provider_token() -> None:
    key_spec = full_symmetric()
    data = key_spec.model_dump(mode="json", exclude_unset=True)
    with_spec = run(lambda: KmsKey("orders", key_spec), config=CONFIG)
    with_mapping = run(lambda: KmsKey("orders", data), config=CONFIG)
    assert comparable(with_mapping, lambda t: TOKENS.get(t, t)) == comparable(with_spec)
    assert with_mapping.named("orders").type == PROVIDER_KEY_TYPE_TOKEN
    assert with_spec.named("orders").type == KEY_TYPE_TOKEN


def test_a_catalog_mapping_registers_what_the_catalog_spec_registers() -> None:
    with_spec = run(lambda: KeyCatalog("dev", catalog()), config=CONFIG)
    with_mapping = run(lambda: KeyCatalog("dev", copy.deepcopy(CATALOG)), config=CONFIG)
    assert comparable(with_mapping, lambda t: TOKENS.get(t, t)) == comparable(with_spec)
    assert with_mapping.named("dev").type == PROVIDER_CATALOG_TYPE_TOKEN
