"""The reminder sender function: every quarter hour, the practice reminders that fall in it."""
