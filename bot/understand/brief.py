"""A story's brief, the state of play an editor reads before taking over a story.

Four parts, each cited: the key numbers with their history (each changed value old -> new with
its sources), the people and bodies most mentioned (PERSON/ORG entities of the stored
annotations), what is scheduled next (sentences naming a date after the newest article's
publication date) and the last developments, newest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain import Citation, Post, Story, StorySentence, Update
from bot.store.repo import Store
from bot.understand.digest import cite, counted_change, development_line
from bot.understand.language.annotation import Annotated

ACTOR_LABELS = ("PERSON", "ORG")
LATEST = 5  # developments in a brief
ACTORS = 8  # people and bodies in a brief
SCHEDULED = 5  # things scheduled next in a brief

Reader = Callable[[str], Annotated | None]
"""Reads a stored annotation (a story's page passes one that remembers what it read)."""


@dataclass(frozen=True)
class Scheduled:
    """A sentence naming a day after the story's newest article: the day, the sentence, its citation."""

    day: str
    sentence: StorySentence


def citation_of(sentence: StorySentence) -> Citation:
    """A stored sentence as a citation."""
    return Citation(sentence.article_title, sentence.article_url, sentence.source, sentence.published, sentence.text)


def by_publication(found: Sequence[Update]) -> list[Update]:
    """Updates oldest first by their article's publication time (found order breaks ties)."""
    return sorted(found, key=lambda u: (u.citation.published.timestamp() if u.citation.published else 0.0,
                                        u.id or 0))


@dataclass(frozen=True)
class FigureChain:
    """A figure that changed (`hostages (hold)`) and its values in publication order, each with the
    citation that gave it; a change continues the chain that ends in its old value."""

    label: str
    steps: tuple[tuple[str, Citation], ...]


def figure_chains(store: Store, found: Sequence[Update]) -> list[FigureChain]:
    """Each figure that changed among `found`, with its history (read by `key_numbers` and the timeline chart)."""
    changed = [u for u in by_publication(found) if u.kind == "changed" and u.previous is not None]
    contexts = store.update_context(u.id for u in changed if u.id is not None)
    chains: list[tuple[str, list[tuple[str, Citation]]]] = []
    for u in changed:
        found_change = counted_change(u, contexts.get(u.id or 0))
        if found_change is None or u.previous is None:
            continue
        _, label, new = found_change
        old = (u.previous.value, u.previous.citation)
        chain = next((c for name, c in chains if name == label and c[-1][0] == old[0]
                      and cite(c[-1][1]) == cite(old[1])), None)
        if chain is None:
            chain = [old]
            chains.append((label, chain))
        chain.append((new, u.citation))
    return [FigureChain(label, tuple(chain)) for label, chain in chains]


def key_numbers(store: Store, found: Sequence[Update]) -> list[str]:
    """Each figure that changed, with its history: `hostages (hold): 130 (AP, 30 Mar) -> 133 (Reuters, 10 Apr)`."""
    return [f"{c.label}: " + " -> ".join(f"{value} ({cite(where)})" for value, where in c.steps)
            for c in figure_chains(store, found)]


def actors(sentences: Sequence[StorySentence], limit: int = ACTORS,
           read: Reader = Annotated.from_json) -> list[tuple[str, int]]:
    """The people and bodies most mentioned in a story's sentences, with how many sentences name them.

    A one-word name that ends a longer one ("Netanyahu", "Benjamin Netanyahu") counts for the longer.
    """
    counts: Counter[str] = Counter()
    for s in sentences:
        parsed = read(s.annotation)
        if parsed is None:
            continue
        counts.update({" ".join(e.text.split()).removeprefix("the ") for e in parsed.entities
                       if e.label in ACTOR_LABELS and e.text.strip()})
    full = sorted(counts, key=len, reverse=True)
    merged: Counter[str] = Counter()
    for name, n in counts.items():
        longer = next((f for f in full if f != name and " " not in name and f.endswith(" " + name)), None)
        merged[longer or name] += n
    return merged.most_common(limit)


def scheduled(sentences: Sequence[StorySentence], limit: int = SCHEDULED,
              read: Reader = Annotated.from_json) -> list[Scheduled]:
    """Sentences naming a day after the newest article's publication date, soonest first."""
    dated = [s.published for s in sentences if s.published]
    if not dated:
        return []
    today = max(dated).date().isoformat()
    found: dict[str, Scheduled] = {}
    for s in sentences:
        parsed = read(s.annotation)
        if parsed is None:
            continue
        days = sorted(d.first for d in parsed.dates if d.first and d.first > today)
        if days and s.text not in found:
            found[s.text] = Scheduled(days[0], s)
    return sorted(found.values(), key=lambda x: (x.day, x.sentence.id))[:limit]


def story_sentences(store: Store, story: str) -> list[StorySentence]:
    """Every sentence filed under a story, article by article."""
    return [s for _, group in store.story_sentences_by_article(story) for s in group]


def build_brief(store: Store, story: Story, latest: int = LATEST) -> Post:
    """The brief of one story as a post: a heading, then its four parts as lines, each cited."""
    found = store.list_updates(story=story.id)
    sentences = story_sentences(store, story.id)
    if not found and not sentences:
        return Post(f"{story.title}: nothing stored on this story yet.")
    lines: list[str] = ["Key numbers:"]
    numbers = key_numbers(store, found)
    lines += [f"- {n}" for n in numbers] or ["- no figure has changed yet"]
    lines.append("People and bodies involved:")
    named = actors(sentences)
    lines += ["- " + ", ".join(f"{name} ({n})" for name, n in named)] if named else ["- none named yet"]
    lines.append("Scheduled next:")
    upcoming = scheduled(sentences)
    lines += [f"- {x.day}: {x.sentence.text} ({cite(citation_of(x.sentence))})" for x in upcoming] \
        or ["- nothing dated after the latest article"]
    lines.append(f"Last {latest} developments:")
    recent = list(reversed(by_publication(found)))[:latest]
    contexts = store.update_context(u.id for u in recent if u.id is not None)
    lines += [f"- {development_line(store, u, contexts.get(u.id or 0))}" for u in recent] or ["- none yet"]
    cited = {u.citation.url: u.citation for u in recent}
    for x in upcoming:
        cited.setdefault(x.sentence.article_url, citation_of(x.sentence))
    return Post(f"Brief: {story.title}", lines, list(cited.values()))
