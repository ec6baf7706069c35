"""Bounds of the practice domain, shared by the stored models, the settings and the API models."""

# Streak freezes a learner may hold at once; each one spent marks a missed day in the ledger.
MAX_FREEZES = 2
# DynamoDB transactions take at most 100 items; completion writes the session, the profile, the
# day's ledger item, up to MAX_FREEZES frozen days, the cards due per day, the phrasebook's sync
# log entry and one card per phrase: 93 phrases at most.
MAX_PHRASES_PER_PACK = 100 - 5 - MAX_FREEZES
# Due cards of phrases no longer in the course that one session start takes out of the due index
# (in the same transaction as the session and the profile).
MAX_RETIRED_PER_START = 25
# The local hour at which a learner's day starts.
DAY_START_HOUR_MIN, DAY_START_HOUR_MAX = 0, 23
# New phrases a learner may take on per day at most.
DAILY_NEW_LIMIT_MAX = 50
# Reviews of Review-state cards per learner day: Anki's default, and the most a learner may set.
DAILY_REVIEW_LIMIT_DEFAULT = 200
DAILY_REVIEW_LIMIT_MAX = 1000
# Reviews one completion may carry: every applied review lands in the session item's review log
# (about 350 bytes each), which must stay well under DynamoDB's 400 KB per item.
MAX_REVIEWS_PER_COMPLETION = 400
MAX_REVIEWS_PER_PHRASE = 10
# Optimistic-concurrency writes are computed from fresh state at most this many times in all:
# enough for this many of one learner's requests at once (practice/runtime/retry.py says why).
WRITE_ATTEMPTS = 6
# The recall probability scheduling aims at (FSRS's desired retention): a learner may choose
# between reviewing less and forgetting more (0.70) and reviewing much more to forget little (0.97).
DESIRED_RETENTION_MIN, DESIRED_RETENTION_MAX = 0.70, 0.97
DESIRED_RETENTION_DEFAULT = 0.90
# Daily XP goals a learner may choose (Duolingo's casual, regular, serious and intense).
DAILY_GOAL_XP_CHOICES = (10, 20, 30, 50)
DAILY_GOAL_XP_DEFAULT = 20
# Learner days one stats request may cover, and the range it covers when none is given.
STATS_MAX_DAYS = 366
STATS_DEFAULT_DAYS = 30
# Learner days one forecast may cover, and the days it covers when none are given.
FORECAST_MAX_DAYS = 90
FORECAST_DEFAULT_DAYS = 30
# Phrases one phrasebook page may hold, and the page size when none is given. A delta page takes
# whole sync log entries while it stays within the page size (at least one entry, which holds at
# most MAX_PHRASES_PER_PACK): its changed cards are always one BatchGetItem of at most 100 keys.
PHRASEBOOK_PAGE_MAX = 100
PHRASEBOOK_PAGE_DEFAULT = 50
# A phrase failed this many times is a leech (Anki's default threshold).
LEECH_LAPSES = 8
# How long the phrasebook's sync log keeps an entry (DynamoDB TTL): a sync token unused longer
# than this is refused (410), and the app lists the phrasebook again.
SYNC_LOG_DAYS = 180
# Sessions one history page may hold, and the page size when none is given.
HISTORY_PAGE_MAX = 100
HISTORY_PAGE_DEFAULT = 20
# The export's pages end once their items' stored JSON reaches this many bytes (the default of
# Settings.export_page_bytes): about what one DynamoDB query page holds.
EXPORT_PAGE_BYTES = 1024 * 1024
# Items one export or erasure query reads at most (a page of keys or of small items).
ITEMS_PER_QUERY = 1000
# FSRS-6 has 21 parameters; a learner's own replace the defaults once fitted (practice/fitting.py).
FSRS_PARAMETER_COUNT = 21
