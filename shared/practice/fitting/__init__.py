"""Fitting each learner's FSRS parameters: completions ask for a fit once one is due (service.py),
through the optimizer's queue (queue.py); the optimizer function and its daily sweep read and
record through the store (store.py)."""
