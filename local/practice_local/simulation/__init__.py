"""Simulated learners and their histories, on in-memory stores or the emulated DynamoDB: what
make invoke, make optimize, make bench, make bench-srs and the scale tests practise with."""
