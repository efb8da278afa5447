"""A story's brief, the state of play an editor reads before taking over a story.

Four parts, each cited: the key numbers with their history (each changed value old -> new with
its sources), the people and bodies most mentioned (PERSON/ORG entities of the stored
annotations named by two sentences or sources, without outlets, datelines and fragments), what is
scheduled next (at most three sentences naming a day after the newest article's publication, newest
source first, none reported done since) and the last developments, newest first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain import Citation, Post, Story, StorySentence, Update
from bot.store.repo import Store
from bot.understand.digest import cite, counted_change, development_line
from bot.understand.language.annotation import Annotated, DateRef, Entity
from bot.understand.language.dates import WEEKDAYS

ACTOR_LABELS = ("PERSON", "ORG")
PLACE_LABELS = ("GPE", "LOC", "FAC")  # a name the parser reads as a place anywhere in the story is not an actor
MIN_MENTIONS = 2  # sentences, or sources, that must name someone for the brief to list them
PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "this", "that",
                      "these", "those", "who", "one"])
DATELINE_MARKS = frozenset(["—", "–", "-", "--", "(", ":"])
MEDIA_WORDS = frozenset(["tv", "television", "channel", "radio", "news", "newspaper", "network", "broadcasting",
                         "broadcaster", "times", "post", "journal", "gazette", "tribune", "herald", "press",
                         "agency", "outlet", "daily", "magazine", "wire"])
NEWS_AGENCIES = frozenset(["reuters", "ap", "afp", "associated press", "agence france-presse", "bloomberg", "bbc",
                           "cnn", "abc", "cbs", "nbc", "msnbc", "fox", "al jazeera", "sky", "npr", "upi", "dpa",
                           "xinhua", "tass", "efe", "ansa", "kyodo", "yonhap"])
LATEST = 5  # developments in a brief
ACTORS = 8  # people and bodies in a brief
SCHEDULED = 3  # things scheduled next in a brief
AHEAD = re.compile(r"\b(?:will|would|shall|won't)\b|'ll\b|\b(?:expected|scheduled|due|set|planning|plans?|planned|"
                   r"intends?|intending|aims?|aiming|preparing) to\b|\b(?:is|are|was|were) to [a-z]+",
                   re.IGNORECASE)
QUOTED = re.compile(r'"[^"]*"|“[^”]*”|(?:(?<=\s)|^)‘.*?’(?!\w)')
SAID_ON = (r"\b(?:said|says|told|announced|declared|added|wrote|posted|reported|confirmed|stated|speaking)"
           r"(?: \w+)?,? (?:on |late |early )?")
WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)

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


def _is_dateline(parsed: Annotated, entity: Entity) -> bool:
    """`JERUSALEM —` opening a report: a capitalised place line, not a body. Read from the text, so a
    reader that keeps only entities and dates (a story page's) sees it too."""
    text = parsed.text.lstrip()
    if not entity.text.isupper() or not text.startswith(entity.text):
        return False
    rest = text[len(entity.text):].lstrip()
    return any(rest.startswith(mark) for mark in DATELINE_MARKS)


def _is_fragment(parsed: Annotated, entity: Entity) -> bool:
    """`State` out of "Secretary of State": a name right after a capitalised title word and "of" that
    no entity holds."""
    inside = {w for e in parsed.entities for w in e.text.split()}
    for found in re.finditer(r"\b([A-Z][\w.-]*) of (?:the )?" + re.escape(entity.text) + r"\b", parsed.text):
        if found.group(1) not in inside:
            return True
    return False


def _is_outlet(name: str, outlets: Collection[str]) -> bool:
    """A news outlet (a TV channel, a paper, an agency, or one of the story's own sources) is who
    reported, not who is involved."""
    words = name.split()
    return (any(w.strip(".,").lower() in MEDIA_WORDS for w in words) or name.lower() in NEWS_AGENCIES
            or name.lower().replace(" ", "") in outlets)


def _readable_name(text: str) -> str:
    """An entity's text as a name: single spaces, no leading article, no possessive ending."""
    name = " ".join(text.split()).removeprefix("the ").removeprefix("The ")
    return re.sub(r"['’]s?$", "", name)


def actors(sentences: Sequence[StorySentence], limit: int = ACTORS,
           read: Reader = Annotated.from_json) -> list[tuple[str, int]]:
    """The people and bodies involved in a story, most mentioned first, with how many sentences name them.

    A name counts when two sentences or two sources name it (a passing mention is not involvement);
    a one-word name that ends a longer one ("Netanyahu", "Benjamin Netanyahu") counts for the
    longer, and so does a first name that starts exactly one ("Keir", "Keir Starmer"); names the
    parser joined with a comma count apart. Left out: datelines (`JERUSALEM —`), fragments of
    titles (`State` of "Secretary of State"), pronoun-like tokens, news outlets, and names the
    parser also reads as places.
    """
    outlets = {src.lower().split(".")[0] for src in (s.source for s in sentences) if src}
    counts: Counter[str] = Counter()
    sources: dict[str, set[str]] = {}
    places: set[str] = set()
    for s in sentences:
        parsed = read(s.annotation)
        if parsed is None:
            continue
        places.update(_readable_name(e.text) for e in parsed.entities if e.label in PLACE_LABELS)
        named = set()
        for e in parsed.entities:
            if e.label not in ACTOR_LABELS or _is_dateline(parsed, e) or _is_fragment(parsed, e):
                continue
            for part in e.text.split(","):  # "Brockman, Altman": two names the parser joined
                name = _readable_name(part)
                if len(name) < 2 or name.lower() in PRONOUNS or name.islower() or _is_outlet(name, outlets):
                    continue
                named.add(name)
        counts.update(named)
        for name in named:
            sources.setdefault(name, set()).add(s.source or s.article_url)
    full = sorted(counts, key=len, reverse=True)
    merged: Counter[str] = Counter()
    merged_sources: dict[str, set[str]] = {}
    for name, n in counts.items():
        longer = None if " " in name else next((f for f in full if f != name and f.endswith(" " + name)), None)
        if longer is None and " " not in name:  # "Keir" in "Keir Starmer", when only one full name starts so
            starts = [f for f in full if f.startswith(name + " ")]
            longer = starts[0] if len(starts) == 1 else None
        merged[longer or name] += n
        merged_sources.setdefault(longer or name, set()).update(sources.get(name, ()))
    kept = [(name, n) for name, n in merged.most_common()
            if name not in places and (n >= MIN_MENTIONS or len(merged_sources.get(name, ())) >= MIN_MENTIONS)]
    return kept[:limit]


def _ahead(parsed: Annotated) -> bool:
    """Whether a sentence looks ahead: "will", "would" (reported speech), "shall", or "is expected /
    due / scheduled / set to", "plans to", "is to", outside quotations ("'This underdog will fight',
    he declared on Wednesday" looks back). Read from the text, as a story page's reader keeps no tokens."""
    return bool(AHEAD.search(QUOTED.sub(" ", parsed.text)))


def _reported_on(text: str, ref: DateRef) -> bool:
    """Whether a weekday is the day something was said ("said on Friday that ... will"), not the day
    of what is to come."""
    return bool(re.search(SAID_ON + re.escape(ref.text) + r"\b", text, re.IGNORECASE))


def _upcoming_day(ref: DateRef, text: str, published: date, ahead: bool, today: str) -> str:
    """The first day a date expression names when it is after `today` (ISO), else "". A bare weekday
    ("on Sunday") is read from the sentence's own tense: the next one when it looks ahead, else the
    one on or before publication (a report of what happened, whatever other words it has), and so is
    the day something was said ("said on Friday")."""
    first = ref.first
    if WEEKDAY.search(ref.text) and not any(ch.isdigit() for ch in ref.text):
        weekday = next(WEEKDAYS[w.lower()] for w in WEEKDAY.findall(ref.text))
        forward = ahead and not _reported_on(text, ref)
        shift = (weekday - published.weekday()) % 7 if forward else -((published.weekday() - weekday) % 7)
        first = (published + timedelta(days=shift)).isoformat()
    return first if first and first > today else ""


def reported_done(found: Sequence[Update]) -> set[str]:
    """Sentences a later update changed (an expectation reported done or failed): not "scheduled next"."""
    return {u.previous.sentence for u in found if u.kind == "changed" and u.previous is not None}


def scheduled(sentences: Sequence[StorySentence], limit: int = SCHEDULED,
              read: Reader = Annotated.from_json, done: Collection[str] = ()) -> list[Scheduled]:
    """What is scheduled next: sentences naming a day after the story's newest article (a weekday is
    read forward in a sentence that looks ahead, with "will", "expected to", "scheduled to", "plans
    to" or reported "would", and backward in one that does not), newest source first, soonest first
    among one source's; none that a later update reported on (`done`: the sentences that updates
    changed or resolved)."""
    dated = [s.published for s in sentences if s.published]
    if not dated:
        return []
    today = max(dated).date().isoformat()
    found: dict[str, Scheduled] = {}
    for s in sentences:
        if s.published is None or s.text in found or s.text in done:
            continue
        parsed = read(s.annotation)
        if parsed is None:
            continue
        ahead = _ahead(parsed)
        days = sorted(d for d in (_upcoming_day(r, parsed.text, s.published.date(), ahead, today)
                                  for r in parsed.dates) if d)
        if days:
            found[s.text] = Scheduled(days[0], s)
    return sorted(found.values(), key=lambda x: (-x.sentence.published.timestamp() if x.sentence.published
                                                 else 0.0, x.day, x.sentence.id))[:limit]


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
    upcoming = scheduled(sentences, done=reported_done(found))
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
