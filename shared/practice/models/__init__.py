"""Models by role: `content` (the course), `learner` (stored learner state), `api` (HTTP shapes)."""
