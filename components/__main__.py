"""`pulumi up` runs this (Pulumi.yaml: `main: components`); absolute imports, since the CLI runs it by path."""

from components.program import main

main()
