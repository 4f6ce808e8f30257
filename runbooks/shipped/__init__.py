"""The runbooks OpsGate ships, one module each."""
