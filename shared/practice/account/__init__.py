"""The learner's account as a whole: the export of everything kept about them (GDPR Art. 20) and
its erasure (DELETE /profile, then the account worker)."""
