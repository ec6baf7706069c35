"""The courses routes: routes.py, models.py (bodies), presenters.py (domain objects to bodies)."""
