"""kmsguard's components for every Pulumi language: `KmsKey` and `KeyCatalog` hosted by Pulumi's
Python component provider (the plugin folder is `provider/` at the repository root).

- `kmsguard.provider.args`: the components' input types as the provider reads them, generated from
  the pydantic specs by `kmsguard.provider.derive` (`python -m kmsguard.provider.derive --write`).
- `kmsguard.provider.convert`: what the provider passes back into spec data.
- `kmsguard.provider.host`: serves the components; `python -m kmsguard.provider.host --write` keeps
  the reviewed schema (`provider/schema.json`) in step with them.
"""
