"""The DynamoDB side of every store Protocol: the table's keys (keys.py), the attribute codec
(codec.py), one request helper (table.py), the item mappers (items.py), and one store per feature
(sessions.py, profile.py, progress.py, account.py, fitting.py, courses.py). Nothing outside this
package knows an item's shape or key."""
