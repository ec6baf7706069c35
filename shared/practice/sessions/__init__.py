"""Practice sessions: today's pack (which starts one), completing one, reading one, the history."""
