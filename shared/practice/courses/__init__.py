"""Course content: the shipped data files, loading them into the table, and the per-container
catalog that reads a course once, not per request."""
