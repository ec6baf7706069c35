"""Command-line tools: make invoke, make load-course, make optimize, make openapi, and the SAM
build that tests and benchmarks use."""
