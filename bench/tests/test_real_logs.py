"""`make bench-srs` on real review logs (bench/real_logs.py): the MIT log in the repo scored three
ways, its numbers checked against counts and predictions made here independently; and the logs
it cannot read refused with a clear error, not a traceback."""

import csv
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from bench import real_logs, srs
from optimizer.model import DEFAULTS, recall_probabilities, training_items

[JOSH] = list(real_logs.LOGS_IN_REPO.glob("*.csv"))


def josh_rows() -> list[dict[str, str]]:
    with JOSH.open(newline="") as handle:
        return list(csv.DictReader(handle))


def learner_day(text: str) -> date:
    """UTC, day start 04:00: the bench's default, computed here by hand."""
    return (datetime.fromisoformat(text) - timedelta(hours=4)).date()


def test_the_real_log_run_scores_defaults_ours_and_the_reference_side_by_side(tmp_path):
    assert srs.main(["--real-logs", str(real_logs.LOGS_IN_REPO), "--results-dir", str(tmp_path)]) == 0
    table = (tmp_path / "srs-real-latest.md").read_text()
    [row] = [line for line in table.splitlines() if line.startswith(f"| {JOSH.stem} |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "12,580"
    # Predicted: every review of a card after its first, on a later learner day, counted here by
    # hand; the first of six equal time-ordered parts is never predicted
    previous: dict[str, date] = {}
    targets = 0
    for entry in sorted(josh_rows(), key=lambda r: r["review_time"]):
        day = learner_day(entry["review_time"])
        targets += entry["card_id"] in previous and day > previous[entry["card_id"]]
        previous[entry["card_id"]] = day
    assert int(cells[2].replace(",", "")) == targets - (targets - 5 * (targets // 6))
    scores = {
        model: tuple(float(x) for x in cell.split(" / "))
        for model, cell in zip(real_logs.MODELS, cells[3:6], strict=True)
    }
    # A fit predicts this learner better than the defaults, ours in every part
    assert scores["ours"][0] < scores["defaults"][0] and scores["reference"][0] < scores["defaults"][0]
    assert scores["ours"][1] < scores["defaults"][1]
    assert cells[6] == "5/5"
    goals = [line for line in table.splitlines() if line.startswith("- Goal ")]
    assert [line.split(",")[0] for line in goals] == ["- Goal 1", "- Goal 2", "- Goal 3", "- Goal 4"]
    assert all(line.endswith((": met", ": MISSED")) for line in goals)
    assert (tmp_path / "srs-real-calibration.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    [results] = tmp_path.glob("srs-real-2*.json")
    [stored] = json.loads(results.read_text())
    assert stored["scored"] == int(cells[2].replace(",", "")) and stored["judged"] is True


def test_the_defaults_predict_as_fsrs_computes_directly_from_the_same_reviews():
    reviews = real_logs.read_log(JOSH, real_logs.ZoneInfo("UTC"), 4)
    items = training_items(reviews, real_logs._no_day)
    sample = items[::20]
    assert len(sample) > 300 and sum(any(d == 0 for _, d in item.steps[1:]) for item in sample) > 250
    # The `fsrs` package without learning steps replays a card's days and same-day reviews as
    # FSRS-6 does (a minute apart on a day: its short-term stability)
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    expected = []
    for item in sample:
        card, days = Card(card_id=1, due=start), 0
        for minute, (rating, delta) in enumerate(item.steps):
            days += delta
            at = start + timedelta(days=days, minutes=minute)
            if minute < len(item.steps) - 1:
                card, _ = scheduler.review_card(card, Rating(rating), review_datetime=at)
        expected.append(scheduler.get_card_retrievability(card, at))
    assert recall_probabilities(DEFAULTS, sample) == pytest.approx(expected, abs=2e-4)


def test_a_learner_under_1000_reviews_is_shown_but_not_judged_by_the_goals(tmp_path, capsys):
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = josh_rows()
    for name, count in (("short", 600), ("long", len(rows))):
        with (logs / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows[:count])
    assert srs.main(["--real-logs", str(logs), "--results-dir", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "2 learners (1 with >= 1,000 reviews)" in out
    assert re.search(r"^\| short \| 600 \|", out, re.MULTILINE)
    assert "Goals, over the 1 learners with >= 1,000 reviews:" in out


def test_times_are_iso_8601_or_epoch_milliseconds():
    iso = real_logs.review_time("2024-03-29T20:32:32.250000+00:00")
    assert real_logs.review_time("1711744352250") == iso
    assert real_logs.review_time("2024-03-29T20:32:32.250") == iso  # no offset: UTC


def test_the_parts_are_cut_as_time_series_split_cuts_them():
    items = list(range(13))
    parts = real_logs.time_series_parts(items, 5)  # type: ignore[arg-type]
    assert [len(part) for part in parts] == [3, 2, 2, 2, 2, 2]
    assert [x for part in parts for x in part] == items


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("card_id,review_time\n1,1711744352250\n", "log.csv: no column review_rating"),
        (
            "card_id,review_rating,review_time\n1,3,1711744352250\n1,5,1711744352251\n",
            "log.csv, line 3: review_rating 5",
        ),
        ("card_id,review_rating,review_time\n1,good,1711744352250\n", "log.csv, line 2: invalid literal"),
        ("card_id,review_rating,review_time\n1,3,yesterday\n", "log.csv, line 2: Invalid isoformat"),
    ],
)
def test_a_log_it_cannot_read_is_a_usage_error_naming_file_and_line(tmp_path, capsys, content, error):
    (tmp_path / "log.csv").write_text(content)
    assert srs.main(["--real-logs", str(tmp_path), "--results-dir", str(tmp_path / "out")]) == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_manual_reschedules_are_not_reviews(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "card_id,review_rating,review_time\n1,3,1711744352250\n1,0,1711830752250\n1,1,1711917152250\n"
    )
    reviews = real_logs.read_log(log, real_logs.ZoneInfo("UTC"), 4)
    assert [review.rating for review in reviews] == [3, 1]
    assert [review.day for review in reviews] == [date(2024, 3, 29), date(2024, 3, 31)]


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["--real-logs", "/nonexistent"], "/nonexistent: no such file or directory"),
        (["--real-logs", "{empty}"], "no .csv review logs in it"),
        (["--real-logs", str(JOSH), "--zone", "Mars/Olympus"], "Mars/Olympus"),
        (["--real-logs", str(JOSH), "--day-start-hour", "24"], "--day-start-hour is 0-23"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path, capsys, arguments, error):
    arguments = [a.replace("{empty}", str(tmp_path)) for a in arguments]
    assert srs.main([*arguments, "--results-dir", str(tmp_path / "out")]) == 2
    assert error in capsys.readouterr().err


def test_the_repo_copy_keeps_its_attribution():
    readme = (real_logs.LOGS_IN_REPO / "README.md").read_text()
    assert "open-spaced-repetition/py-fsrs" in readme and "MIT License" in readme
    assert Path(JOSH).stat().st_size > 600_000
