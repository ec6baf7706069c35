"""`make bench-srs` runs end to end on a small cohort: its table, files and plot are written, and
the fitted parameters it reports are the ones the optimizer stored."""

import json

from bench import srs


def test_a_small_bench_srs_run_writes_its_table_results_and_calibration_plot(tmp_path, capsys):
    assert srs.main(["--learners", "2", "--control", "1", "--days", "60", "--heavy-days", "0",
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
    assert "[3/3] control-1" in capsys.readouterr().err  # progress lines while it runs


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
