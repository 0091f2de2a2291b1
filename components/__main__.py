"""`pulumi up` runs this (Pulumi.yaml: `main: components`); absolute imports, since the CLI runs it by path."""

from kmsguard.program import main

main()
