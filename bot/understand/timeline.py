"""A story's timeline over a window of publication time, read from the store alone.

`timeline_data` is a pure function of the store's updates (and their articles' outlets) for one
story and one window [since, now): developments per day stacked by kind with the distinct
outlets that carried them that day, each figure that changed as a step series (the chains
`brief` shows as key numbers, so both read alike), and the three most salient developments
(ranked as the digest ranks them). It reuses the digest's window (`window_updates`: by
publication time, a late-found item of the window's first day included) and draws nothing:
`bot.chart.draw` turns the data into a PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.domain import Story, Update
from bot.store.repo import Store
from bot.understand.brief import figure_chains
from bot.understand.digest import (
    counted_change,
    number,
    salient_first,
    whole_sentence,
    window_updates,
)
from bot.understand.prominence import prominences
from bot.understand.timeline_types import (
    DayCount,
    Salient,
    StepPoint,
    StepSeries,
    TimelineData,
    day_label,
)

SALIENT = 3  # developments marked on the chart
HISTORY_REACH = timedelta(days=3650)  # how far before the window a changed figure's earlier value may be


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def day_counts(found: Sequence[Update], outlets: dict[int, set[str]], articles: dict[int, int],
               since: datetime, until: datetime) -> tuple[tuple[DayCount, ...], int]:
    """Every day of [since, until) with its developments by kind and distinct outlets, and how many
    developments had no publication date (so no day)."""
    first, last = _utc(since).date(), _utc(until - timedelta(microseconds=1)).date()
    tally: dict[object, tuple[int, int, set[str]]] = {}
    undated = 0
    for u in found:
        if u.citation.published is None:
            undated += 1
            continue
        day = _utc(u.citation.published).date()
        new, changed, names = tally.get(day, (0, 0, set()))
        names = names | outlets.get(articles.get(u.id or 0, -1), {u.citation.source or ""})
        tally[day] = (new + (u.kind != "changed"), changed + (u.kind == "changed"), names)
    days = []
    day = first
    while day <= last:
        new, changed, names = tally.get(day, (0, 0, set()))
        days.append(DayCount(day, new, changed, len(names)))
        day += timedelta(days=1)
    return tuple(days), undated


def step_series(store: Store, story: str, found: Sequence[Update], since: datetime) -> tuple[StepSeries, ...]:
    """Each figure that changed in the window as a step series: the value it had before the window's
    first change (with its source), then each new value, each with its outlet."""
    changed = [u for u in found if u.kind == "changed" and u.previous is not None]
    if not changed:
        return ()
    contexts = store.update_context(u.id for u in changed if u.id is not None)
    if not any(counted_change(u, contexts.get(u.id or 0)) for u in changed):
        return ()
    # the chains run over the story's earlier updates too, so a figure's first value in the window
    # continues the history the brief shows
    history = store.list_updates(story=story, published_since=since - HISTORY_REACH)
    series = []
    for chain in figure_chains(store, history):
        in_window = [i for i, (_, where) in enumerate(chain.steps) if i > 0 and where.published is not None
                     and _utc(where.published) >= _utc(since)]
        if not in_window:
            continue
        steps = chain.steps[in_window[0] - 1:]
        points = tuple(StepPoint(_utc(where.published) if where.published else _utc(since), value, number(value),
                                 where.source or "") for value, where in steps)
        if all(p.number is not None for p in points):
            series.append(StepSeries(chain.label, points))
    return tuple(series)


def salient_marks(store: Store, found: Sequence[Update], top: int = SALIENT) -> tuple[Salient, ...]:
    """The `top` most salient dated developments, ranked as the digest ranks them (ties to the newer),
    each with its whole sentence."""
    dated = [u for u in found if u.citation.published is not None]
    contexts = store.update_context(u.id for u in dated if u.id is not None)
    ranked = salient_first(dated, prominences(store, dated, contexts, top))[:top]
    return tuple(Salient(i, _utc(u.citation.published), whole_sentence(store, u, contexts.get(u.id or 0)),  # type: ignore[arg-type]
                         u.citation.source or "", u.salience) for i, u in enumerate(ranked, 1))


def timeline_data(store: Store, story: Story | str, since: datetime, now: datetime) -> TimelineData:
    """The timeline of `story` (a `Story`, or a tracked story's id) for articles published in
    [since, now): what the chart draws (`bot.chart.draw.render_timeline_png`, or in a process of
    its own `bot.chart.process.render_chart`).

    Pure over the store: the same store and window give the same data. Days are UTC days. A
    window with no development gives `quiet` data (every day zero), which callers answer with a
    sentence (`quiet_sentence`). An id the store does not track raises `KeyError`.
    """
    if isinstance(story, str):
        story = next((s for s in store.list_stories() if s.id == story), None) or _unknown(story)
    found = [u for u in window_updates(store, story.id, since, now)
             if u.citation.published is None or _utc(u.citation.published) >= _utc(since)]
    contexts = store.update_context(u.id for u in found if u.id is not None)
    articles = {i: c.article_id for i, c in contexts.items()}
    outlets = store.article_outlets(articles.values())
    days, undated = day_counts(found, outlets, articles, since, now)
    return TimelineData(story.id, story.title, _utc(since), _utc(now), days,
                        step_series(store, story.id, found, since), salient_marks(store, found), undated)


def _unknown(story_id: str) -> Story:
    raise KeyError(f"no tracked story '{story_id}'")


def quiet_sentence(store: Store, story: Story, data: TimelineData, window: str) -> str:
    """The one sentence a quiet window gets instead of an empty chart, saying when the story last moved."""
    latest = max((u.citation.published for u in store.list_updates(story=story.id) if u.citation.published),
                 default=None)
    said = f"Nothing new on {story.id} was published in the last {window}, so there is no chart to draw"
    if latest is None:
        return f"{said}; no development on this story is stored yet."
    ago = (data.until - _utc(latest)).days + 1
    return (f"{said}; its latest development was published on {day_label(latest.date())} {latest.year}: "
            f"say 'timeline {story.id} since {ago}d' to see it.")
