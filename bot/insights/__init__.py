"""Insights: how fast loops move, where they stall, who carries the load.

Pure functions over plain rows (`rows`), no Slack and no database: `compute()` gives every
figure for a period and a team or pool; `read` fills the rows through the unit of work;
`charts` draws them as PNGs, `summary` says them in mrkdwn, `export` writes CSV or JSON;
`service` is /loop-insights. Only `charts` (and `service`, which draws) import matplotlib.
"""

from bot.insights.report import Insights, compute
from bot.insights.rows import Dataset, Period, Scope

__all__ = ["Dataset", "Insights", "Period", "Scope", "compute"]
