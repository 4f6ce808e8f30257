"""Adaptive Card 1.5 builders for Teams. Every card validates as-is against the official JSON Schema."""
