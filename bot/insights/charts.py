"""Insights as pictures: a funnel, a time-to-schedule distribution and a load heat map, as PNG.

Drawn with matplotlib's object-oriented API on the Agg canvas (no display, no pyplot state,
safe in any thread). Colours are the Okabe-Ito palette, which stays distinct for every
common colour-vision deficiency, and nothing is told by colour alone: bars carry their
numbers and a hatch, heat-map cells their count and cap, capped cells an outline. Sizes are
set for Slack's preview: 8 inches wide at 150 dpi (1200 px) with 12-point text.

matplotlib's style settings are process-wide, so charts are drawn one at a time (a slash
command in one listener thread must not restyle a chart being drawn in another).
"""

from __future__ import annotations

import functools
import io
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from bot.insights.report import Insights
from bot.insights.summary import duration, period_label

DPI = 150
WIDTH_IN = 8.0
HEIGHT_IN = 4.8
# Okabe & Ito (2008), "Color Universal Design".
BLUE, VERMILLION, SKY_BLUE = "#0072B2", "#D55E00", "#56B4E9"
BLACK, GREY = "#000000", "#595959"
ALT_LIMIT = 1000  # Slack's alt_txt limit
HEAT_MAP = "cividis"  # perceptually uniform and readable with any colour vision
STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 1.0,
}


_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    png: bytes
    width: int  # pixels
    height: int
    alt: str = ""  # what the picture shows, for screen readers (Slack's alt_txt)


def _styled(draw: Callable[[Insights], Chart]) -> Callable[[Insights], Chart]:
    @functools.wraps(draw)
    def drawn(insights: Insights) -> Chart:
        with _DRAWING, rc_context(STYLE):
            return draw(insights)

    return drawn


def all_charts(insights: Insights) -> list[Chart]:
    return [funnel_chart(insights), time_to_schedule_chart(insights), load_chart(insights)]


def subtitle(insights: Insights) -> str:
    return f"{insights.scope.label} · {period_label(insights.period)}"


@_styled
def funnel_chart(insights: Insights) -> Chart:
    """Per stage, the loops started in the period that reached it: moved on, declined there,
    still in it."""
    title = "Pass-through by stage"
    by_track: dict[str, list] = defaultdict(list)
    for stage in insights.funnel:
        by_track[stage.track].append(stage)
    rows = sum(len(stages) for stages in by_track.values())
    figure = _figure(max(HEIGHT_IN, 1.6 + 0.55 * rows + 0.5 * len(by_track)))
    if not rows:
        return _empty(figure, "funnel.png", title, insights, "No loop started in this period.")
    axes_list = figure.subplots(
        len(by_track),
        1,
        squeeze=False,
        height_ratios=[len(stages) for stages in by_track.values()],
    )[:, 0]
    widest = max(s.reached for s in insights.funnel)
    for axes, (track, stages) in zip(axes_list, by_track.items(), strict=True):
        labels = [s.title for s in stages]
        y = range(len(stages))
        passed = [s.passed for s in stages]
        declined = [s.declined for s in stages]
        still = [s.still_in for s in stages]
        axes.barh(y, passed, color=BLUE, edgecolor=BLACK, label="moved on")
        axes.barh(
            y,
            declined,
            left=passed,
            color=VERMILLION,
            edgecolor=BLACK,
            hatch="//",
            label="declined",
        )
        lefts = [p + d for p, d in zip(passed, declined, strict=True)]
        axes.barh(
            y,
            still,
            left=lefts,
            color=SKY_BLUE,
            edgecolor=BLACK,
            hatch="..",
            label="still in stage",
        )
        for row, stage in zip(y, stages, strict=True):
            axes.text(
                stage.reached + widest * 0.02,
                row,
                _funnel_label(stage),
                va="center",
                fontsize=11,
            )
        axes.set_yticks(list(y), labels)
        axes.invert_yaxis()  # the first stage on top, as a funnel reads
        axes.set_xlim(0, widest * 1.9)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel("loops")
        if len(by_track) > 1:
            axes.set_title(insights.track_title(track), loc="left", fontsize=12)
    axes_list[0].legend(loc="lower right", frameon=False, fontsize=10)
    alt = "; ".join(
        f"{s.title}: {s.reached} reached, {s.passed} moved on, {s.declined} declined"
        for s in insights.funnel
    )
    return _finish(figure, "funnel.png", title, insights, alt)


def _funnel_label(stage) -> str:
    text = f"{stage.reached} reached · {stage.passed} moved on"
    if stage.rate is not None:
        # On its own line: one long line ran past the chart's right edge.
        text += f"\n{stage.rate:.0%} of decided"
    return text


@_styled
def time_to_schedule_chart(insights: Insights) -> Chart:
    """Days from a loop's start to each stage's booking, one row per stage."""
    title = "Time to schedule (days from loop start to booking)"
    timings = [t for t in insights.time_to_schedule if t.count]
    tracks = {t.track for t in timings}
    figure = _figure(max(HEIGHT_IN, 1.8 + 0.75 * len(timings)))
    if not timings:
        return _empty(figure, "time-to-schedule.png", title, insights, "No stage booked.")
    axes = figure.subplots()
    days = [[h / 24 for h in t.hours] for t in timings]
    rows = range(1, len(timings) + 1)
    axes.boxplot(
        days,
        positions=list(rows),
        orientation="horizontal",
        widths=0.5,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": SKY_BLUE, "edgecolor": BLACK},
        medianprops={"color": VERMILLION, "linewidth": 2.5},
        whiskerprops={"color": BLACK},
        capprops={"color": BLACK},
    )
    for row, values in zip(rows, days, strict=True):
        # Every booking as a dot, spread evenly across the row so none hides another.
        count = len(values)
        offsets = [(i - (count - 1) / 2) * 0.3 / max(count - 1, 1) for i in range(count)]
        axes.scatter(
            values,
            [row + o for o in offsets],
            s=28,
            color=BLUE,
            edgecolor=BLACK,
            linewidth=0.6,
            zorder=3,
        )
    right = max(max(v) for v in days) or 1.0
    # Each row's name with its figures beneath, left of the plot: nothing runs off the edge.
    labels = [
        t.title
        + (f" · {insights.track_title(t.track)}" if len(tracks) > 1 else "")
        + f"\nmedian {duration(t.median)} · p90 {duration(t.p90)} · n={t.count}"
        for t in timings
    ]
    axes.set_yticks(list(rows), labels, fontsize=11)
    axes.invert_yaxis()
    axes.set_xlim(0, right * 1.08)
    axes.set_xlabel("days")
    alt = "; ".join(
        f"{t.title}: median {duration(t.median)}, p90 {duration(t.p90)}, {t.count} booked"
        for t in timings
    )
    return _finish(figure, "time-to-schedule.png", title, insights, alt)


@_styled
def load_chart(insights: Insights) -> Chart:
    """Interviews per interviewer per week, each cell against the person's weekly cap. People
    with no interview in these weeks are counted, not drawn: a big roster stays readable."""
    title = "Interviews per week against each interviewer's cap"
    weeks = sorted({row.week for row in insights.load})
    busy = {row.person_id for row in insights.load if row.interviews}
    people: dict[int, str] = {}
    for row in insights.load:
        if row.person_id in busy:
            people.setdefault(row.person_id, row.name)
    idle = len({row.person_id for row in insights.load} - busy)
    width = max(WIDTH_IN, 2.4 + 0.65 * len(weeks))
    figure = _figure(max(HEIGHT_IN, 2.0 + 0.42 * len(people)), width)
    if not people:
        return _empty(figure, "load.png", title, insights, "Nobody interviewed in these weeks.")
    axes = figure.subplots()
    cells = {(row.person_id, row.week): row for row in insights.load}
    norm = Normalize(0, max(row.interviews for row in insights.load))
    grid = [[cells[(p, w)].interviews if (p, w) in cells else 0 for w in weeks] for p in people]
    image = axes.imshow(grid, cmap=HEAT_MAP, norm=norm, aspect="auto")
    colours = image.cmap
    for y, person in enumerate(people):
        for x, week in enumerate(weeks):
            cell = cells.get((person, week))
            if cell is None:
                continue
            red, green, blue, _ = colours(norm(cell.interviews))
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.55
            axes.text(
                x,
                y,
                f"{cell.interviews}/{cell.cap}",
                in_layout=False,  # inside the axes: nothing for the layout to make room for
                ha="center",
                va="center",
                color=BLACK if light else "white",
                fontweight="bold" if cell.interviews >= cell.cap else "normal",
            )
            if cell.interviews >= cell.cap and cell.cap:
                axes.add_patch(
                    Rectangle(
                        (x - 0.46, y - 0.44),
                        0.92,
                        0.88,
                        fill=False,
                        edgecolor=VERMILLION,
                        linewidth=3,
                        linestyle="-" if cell.over_cap else "--",
                        in_layout=False,
                    )
                )
    axes.set_xticks(range(len(weeks)), [f"{w:%-d %b}" for w in weeks])
    axes.set_yticks(range(len(people)), list(people.values()))
    axes.set_xlabel("week starting (in each person's own zone)")
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    scale = figure.colorbar(image, ax=axes, label="interviews", fraction=0.05, pad=0.02)
    scale.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.legend(
        handles=[
            Patch(
                facecolor="none", edgecolor=VERMILLION, linestyle="--", linewidth=2, label="at cap"
            ),
            Patch(facecolor="none", edgecolor=VERMILLION, linewidth=2, label="over cap"),
        ],
        loc="outside lower center",
        ncols=2,
        frameon=False,
        fontsize=10,
        title="cell: interviews / weekly cap"
        + (f" · {idle} more {'person' if idle == 1 else 'people'} with none" if idle else ""),
        title_fontsize=10,
    )
    over = [
        f"{r.name} {r.interviews} of {r.cap} in the week of {r.week:%-d %b}"
        for r in insights.load
        if r.over_cap
    ]
    alt = (
        f"{len(people)} interviewers over {len(weeks)} weeks"
        + (f" ({idle} more with none); " if idle else "; ")
        + ("over their cap: " + ", ".join(over) if over else "nobody over their cap")
    )
    return _finish(figure, "load.png", title, insights, alt)


def _figure(height: float, width: float = WIDTH_IN) -> Figure:
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _empty(figure: Figure, filename: str, title: str, insights: Insights, message: str) -> Chart:
    axes = figure.subplots()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=14, color=GREY)
    return _finish(figure, filename, title, insights, message)


def _finish(figure: Figure, filename: str, title: str, insights: Insights, alt: str = "") -> Chart:
    figure.suptitle(f"{title}\n{subtitle(insights)}", fontsize=13, fontweight="bold")
    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    width, height = canvas.get_width_height()
    alt = f"{title}, {subtitle(insights)}: {alt}" if alt else f"{title}: nothing to show"
    return Chart(filename, title, buffer.getvalue(), int(width), int(height), alt[:ALT_LIMIT])
