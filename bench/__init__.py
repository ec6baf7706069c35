"""Benchmarks of the Practice API: cold start of the built function, warm latency, DynamoDB
requests per call and how they scale with a learner's history. Run with `make bench`."""
