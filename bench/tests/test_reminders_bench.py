"""The reminder sender's bench rows (bench/reminders.py), small: learners not due cost nothing."""

from bench.reminders import measure_sender, render


def test_learners_not_due_add_no_request_to_a_run():
    nobody, alone, among = measure_sender(due=30, not_due=300)

    assert nobody["requests"] == {"dynamodb:Query": 16}  # one keys-only query per shard
    assert alone["requests"] == among["requests"]
    assert alone["pushes"] == among["pushes"] == alone["reminded"] == 30
    assert among["requests"]["dynamodb:PutItem"] == 30  # one decision stored per learner due
    assert "| 30 learners due, 300 not due |" in render([nobody, alone, among])
