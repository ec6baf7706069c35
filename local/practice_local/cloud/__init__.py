"""The emulated cloud: the embedded DynamoDB (moto's server mode), the stack built from
template.yaml, Lambda-like function runs, queue pollers, and the HTTP server that turns
requests into API Gateway events."""
