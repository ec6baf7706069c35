"""The HTTP API function: Powertools resolver and routers, API models, presenters, the error map.
The practice domain itself lives in the `practice` layer (shared/practice)."""
