"""The learner's profile: their settings, streak and totals, as GET and PATCH /profile see them."""
