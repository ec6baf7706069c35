"""The learner's progress: the day ledger over a range of days, totals, retention, today."""
