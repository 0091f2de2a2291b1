"""One rule per module; each module exports `RULE`. `registry.all_rules()` collects them."""
