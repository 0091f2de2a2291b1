"""The offline preview and policy gate: the program under Pulumi's mock runtime, the pack over gRPC."""
