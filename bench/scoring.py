"""How the scheduling benches score predictions, as srs-benchmark does: log loss over the reviews
predicted, and RMSE(bins): reviews binned by interval, review count and lapses, the mean
prediction against the share recalled in each bin, weighted by the bin's size."""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from optimizer.model import TimedItem


@dataclass(frozen=True)
class Metrics:
    log_loss: float
    rmse_bins: float


NO_METRICS = Metrics(math.nan, math.nan)


def metrics(items: Sequence[TimedItem], predictions: Sequence[float]) -> Metrics:
    """The metrics of `predictions`, each the chance of recalling its item's last review."""
    if not items:
        return NO_METRICS
    losses = 0.0
    bins: dict[tuple[int, int, int], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for item, p in zip(items, predictions, strict=True):
        y = item.recalled
        losses -= math.log(p) if y else math.log(1 - p)
        cell = bins[srs_benchmark_bin(item)]
        cell[0] += p
        cell[1] += y
        cell[2] += 1
    rmse = math.sqrt(sum(n * (p / n - y / n) ** 2 for p, y, n in bins.values()) / len(items))
    return Metrics(losses / len(items), rmse)


def srs_benchmark_bin(item: TimedItem) -> tuple[int, int, int]:
    """srs-benchmark's bin of an item (and fsrs-rs's r_matrix_index): interval, reviews, lapses."""
    elapsed = item.steps[-1][1]
    delta_bin = round(2.48 * 3.62 ** math.floor(math.log(elapsed, 3.62)) * 100)
    length = sum(1 for _, d in item.steps if d > 0) + 1
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(length, 1.89)))
    lapses = sum(1 for r, d in item.steps[:-1] if r == 1 and d > 0)
    lapse_bin = 0 if lapses == 0 else round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73)))
    return delta_bin, length_bin, lapse_bin


def calibration_plot(series: dict[str, list[tuple[float, int]]], title: str, path: Path) -> None:
    """Predicted recall against observed, in 10 bins of prediction (a bin of fewer than 20
    reviews left out), one line per series of (predicted, recalled) pairs."""
    import matplotlib  # noqa: PLC0415 - only the plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(6, 6))
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for label, pairs in series.items():
        cells = [[0.0, 0.0, 0] for _ in range(10)]
        for p, y in pairs:
            cell = cells[min(int(p * 10), 9)]
            cell[0], cell[1], cell[2] = cell[0] + p, cell[1] + y, cell[2] + 1
        kept = [cell for cell in cells if cell[2] >= 20]
        axes.plot([c[0] / c[2] for c in kept], [c[1] / c[2] for c in kept], marker="o", label=label)
    axes.set(xlabel="predicted recall", ylabel="observed recall", xlim=(0, 1), ylim=(0, 1))
    axes.set_title(title)
    axes.legend(loc="upper left")
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
