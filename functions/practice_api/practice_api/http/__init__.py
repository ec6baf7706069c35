"""What every route shares: the gate before routing (identity, body), field types, the one error
map, the OpenAPI error docs, and the 405 answers."""
