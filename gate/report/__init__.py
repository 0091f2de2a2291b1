"""Reports of a gate run: terminal (rich or plain), JSON, SARIF 2.1.0 and JUnit XML."""
