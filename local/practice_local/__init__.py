"""Developer tooling for running the Practice API without AWS (not shipped in the layer)."""
