"""The peers `make bench` measures our function against: the lightest functions a team would ship
instead. Each is one module, installed with its own requirements into a directory of its own
(bench/lambda_image.py: peer_image), and imported by a fresh interpreter as ours is."""
