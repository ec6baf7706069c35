"""The practice domain: daily packs, practice sessions, XP, streaks and FSRS scheduling."""
