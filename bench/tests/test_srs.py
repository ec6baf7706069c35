"""`make bench-srs` runs end to end on a small cohort: its table, files and plot are written, and
the fitted parameters it reports are the ones the optimizer stored."""

import json

from bench import srs


def test_a_small_bench_srs_run_writes_its_table_results_and_calibration_plot(tmp_path, capsys):
    assert srs.main(["--learners", "2", "--control", "1", "--days", "60", "--heavy-days", "0",
                     "--workload-learners", "1", "--workload-control", "1",
                     "--results-dir", str(tmp_path)]) == 0  # fmt: skip
    table = (tmp_path / "srs-latest.md").read_text()
    assert "| real users' parameters | 2 |" in table
    assert "| control: the defaults | 1 |" in table
    assert "- Goal, learners with >= 1,000 reviews:" in table
    assert (tmp_path / "srs-calibration.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    [results] = list(tmp_path.glob("srs-2*.json"))
    rows = json.loads(results.read_text())
    assert [row["control"] for row in rows] == [False, False, True]
    assert all(row["reviews"] > 1000 and row["held_out"] > 0 for row in rows)
    # and the workload's comparison: each of its learners spread three ways, its goals judged
    assert "## Workload: 2 learners, 60 days each" in table
    for row in (
        "| real users' parameters (1) | fuzz and balancing off |",
        "| control (1) | on, with easy days |",
    ):
        assert row in table
    assert (
        sum(line.startswith("- Goal:") and line.endswith(("met.", "MISSED.")) for line in table.splitlines())
        == 4
    )
    assert "[3/3] control-1" in capsys.readouterr().err  # progress lines while it runs


def test_volatility_is_the_mean_day_to_day_change_over_the_mean():
    days = srs.Workload(learned=[10, 20, 10, 20], forgotten=[1, 2, 1, 0], reviews=[12, 22, 12, 22],
                        weekdays=[4, 5, 6, 0])  # fmt: skip
    assert days.volatility == 10 / 15
    assert days.retention == 1 - 4 / 60
    assert days.share_on(5) == 20 / 15


def test_the_metrics_are_srs_benchmarks_on_a_hand_computed_case():
    # Two items after one review each (rating good, then 3 days): predicted p, recalled and not
    from optimizer.model import DEFAULTS, TimedItem
    from practice_local.simulation.learner import START

    items = [TimedItem(START, ((3, 0), (3, 3))), TimedItem(START, ((3, 0), (1, 3)))]
    metrics, predictions = srs.evaluate(DEFAULTS, items)
    p = predictions[0][0]
    assert predictions == [(p, 1), (p, 0)]
    import math

    assert math.isclose(metrics.log_loss, (-math.log(p) - math.log(1 - p)) / 2)
    assert math.isclose(metrics.rmse_bins, math.sqrt((p - 0.5) ** 2))  # one bin, observed 0.5
