"""Judge one article's sentences for a story: new, changed, or not news (repeat, boilerplate, minor).

Everything is read from each sentence's stored annotation (`facts.py`, `changes.py`) and compared
with what the story's fact index holds from articles published before this one (`novelty.py`), so
the verdicts follow publication time whatever order articles arrive in.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.domain import Citation, FactEntry, Findings, PreviousValue, Story, StorySentence, Update
from bot.text import words
from bot.understand.language.annotate import annotate_sentences
from bot.understand.language.annotation import Annotated
from bot.understand.language.numbers import TIME_UNITS
from bot.understand.updates import weights
from bot.understand.updates.background import defines, tells_history, tells_onset
from bot.understand.updates.boilerplate import is_boilerplate, quotes_the_public, says_no_comment
from bot.understand.updates.changes import REPORTED, carried_out, differs, done_things, resolves, slots_of
from bot.understand.updates.counts import (
    GENERIC_COUNT,
    counts_people,
    revisable,
    same_context,
    same_places,
)
from bot.understand.updates.facts import Facts, facts_of, number_text, units_text, weighed_by_frequency
from bot.understand.updates.novelty import (
    Cover,
    PriorFacts,
    best_cover,
    brings_fresh,
    candidate_pools,
    coverage,
    is_repeat,
    syndicated_origin,
)
from bot.understand.updates.reach import affected_articles, markers
from bot.understand.updates.revisions import Revision, ordinal_slots, revisions
from bot.understand.updates.slot import Slot
from bot.understand.updates.states import moved_state, settled_before, undone_before

log = logging.getLogger(__name__)


@dataclass
class Judgement:
    """How one sentence was judged, and why (for logs, tests and the bench)."""

    sentence: StorySentence
    verdict: str  # "new" | "changed" | "repeat" | "duplicate" | "boilerplate" | "minor"
    facts: Facts | None = None
    cover: Cover = field(default_factory=lambda: Cover(0.0))
    slots: list[Slot] = field(default_factory=list)
    previous: tuple[int, Slot] | None = None  # (earlier sentence id, its value) for a change
    salience: float = 0.0


def citation_for(sentence: StorySentence) -> Citation:
    """The citation a reader needs for a stored sentence."""
    return Citation(title=sentence.article_title, url=sentence.article_url, source=sentence.source,
                    published=sentence.published, sentence=sentence.text)


def read_annotations(sentences: Sequence[StorySentence]) -> list[Annotated]:
    """Each sentence's stored annotation; a sentence stored without one (an older store, a test) is
    parsed here, once."""
    notes = [Annotated.from_json(s.annotation) for s in sentences]
    missing = [i for i, a in enumerate(notes) if a is None]
    if missing:
        log.info("event=updates_parsing_unannotated sentences=%d", len(missing))
        published = sentences[missing[0]].published
        for i, parsed in zip(missing, annotate_sentences([sentences[i].text for i in missing], published),
                             strict=True):
            notes[i] = parsed
    return [a for a in notes if a is not None]


def _latest_change(mine: Sequence[Slot], hits: dict[str, list[tuple[int, Slot]]],
                   article_of: dict[int, int] | None = None) -> tuple[int, Slot] | None:
    """The latest earlier value of one of the sentence's count or post slots that it changes. When
    the article that gave it also gave this sentence's value (for the same count, in the same words
    around it), that article already reported the change."""
    article_of = article_of or {}
    for slot in mine:
        if slot.key.startswith("s:p:"):
            latest = next(iter(hits.get(slot.key, ())), None)
            if latest is not None and differs(slot, latest[1]):
                return latest
            continue
        if slot.key.startswith(("s:x:", "s:r:")):
            continue
        same_key = [s for s in mine if s.key == slot.key]
        for key in (slot.key, *_broader(slot.key)):
            sizes = revisable(slot, hits.get(key, ()))
            # the newest of the same places and context words, else of the same places, else the newest
            latest = max(sizes, key=lambda h: (same_places(slot, h[1]), same_context(slot, h[1])), default=None)
            if latest is None:
                continue
            if any(s.value == latest[1].value for s in same_key):
                break  # the latest comparable value is the one this sentence gives: no change
            home = article_of.get(latest[0])
            if home is not None and any(article_of.get(sid) == home and e.value == slot.value
                                        and same_context(slot, e) for sid, e in sizes):
                break
            return latest
    return None


def _standing_count_new(a: Annotated, mine: Sequence[Slot], hits: dict[str, list[tuple[int, Slot]]],
                        sources: Sequence[int]) -> bool:
    """A count said to stand now ("two workers are still missing") that no sentence it repeats gave in
    the same words: "two of the six workers were recovered" did not say it. (A count of what happened,
    "four boys were rescued on Sunday", told again in other words, stays a repeat.)"""
    if not any(t.lower in ("still", "now") or t.lemma.lower() == "remain" for t in a.tokens):
        return False
    counts = [s for s in mine if s.key.startswith("s:q:")]
    return bool(counts) and not any(sid in sources and e.value == s.value and same_context(s, e)
                                    for s in counts for sid, e in hits.get(s.key, ()))


def _broader(key: str) -> tuple[str, ...]:
    """A count of some kind of people may revise an earlier count of "people" ("30 to 35 people",
    then "35 to 40 hostages"), looked at when no count of the same noun was given before."""
    return (GENERIC_COUNT,) if counts_people(key) else ()


def _moved(mine: Sequence[Slot], cover: Cover, hits: dict[str, list[tuple[int, Slot]]]) -> tuple[int, Slot] | None:
    """The sentence says what its closest earlier sentence said, but in another place ("talks in
    Paris" -> "talks in Cairo")."""
    if cover.share < weights.PLACE_COVER or cover.source is None:
        return None
    for slot in mine:
        if not slot.key.startswith("s:r:"):
            continue
        for sid, earlier in hits.get(slot.key, ()):
            if sid == cover.source and earlier.value != slot.value \
                    and not any(s.key == slot.key and s.value == earlier.value for s in mine):
                return sid, earlier
    return None


def _resolved(facts: Facts, a: Annotated, cover: Cover, hits: dict[str, list[tuple[int, Slot]]]
              ) -> tuple[int, Slot] | None:
    """The latest earlier expectation about one of the sentence's names that it reports on (as done
    or failed; a plan told with "would" only as done, with its own verb). A sentence that repeats
    something other than the expectation itself resolves nothing: the outcome was reported before."""
    if facts.expects:
        return None
    found: list[tuple[int, Slot]] = []
    for key in [n[2:] for n in sorted(facts.names)] + done_things(a):
        for sid, expected in hits.get("s:x:" + key, ()):
            if REPORTED in expected.context and not carried_out(a, expected.value):
                continue
            if resolves(set(facts.units), expected):
                found.append((sid, expected))
                break
    if is_repeat(cover) and not set(cover.sources) <= {sid for sid, _ in found}:
        return None
    return max(found, key=lambda item: item[0]) if found else None


def _revised(found: Sequence[Revision], mine: Sequence[Slot], pool: dict[int, frozenset[str]],
             hits: dict[str, list[tuple[int, Slot]]]) -> tuple[int, Slot] | None:
    """The earlier sentence that gave the figure this sentence says it revises ("to 4.5 percent
    from 3 percent"): the closest one by content that gave it without the new figure, else the latest.
    When no earlier sentence gave the old figure ("fell from 41 to 31"), the latest earlier value of
    the count either figure is given for: the sentence itself says the figure moved."""
    for r in found:
        new_key = "n:" + number_text(r.new.value)
        said = [sid for sid, _ in hits.get(r.old_key, ()) if new_key not in pool.get(sid, ())]
        if said:
            sid = next((s for s in pool if s in said), said[0])
            return sid, Slot("s:q:revised", number_text(r.old.value), r.old.text)
    for r in found:
        for slot in mine:
            figures = (number_text(r.new.value), number_text(r.old.value))
            if slot.key.startswith("s:q:") and slot.value in figures:
                latest = next((h for h in hits.get(slot.key, ()) if h[1].value != figures[0]), None)
                if latest is not None:
                    return latest
    return None


def _state_before(facts: Facts, a: Annotated, pool: dict[int, frozenset[str]]) -> int | None:
    """The earlier sentence about the subject whose state this one says moved on ("the line would now
    reopen on November 23"): among those naming the subject and what is said of it, the one holding
    most of this sentence. Time passing alone ("have now been missing for five days") moves nothing."""
    subject, said = moved_state(a)
    fresh = set(_without_durations(facts, a).units) - set().union(frozenset(), *pool.values())
    if not subject or not said or not fresh:
        return None
    about = [sid for sid, units in pool.items() if subject <= units and said & units]  # same subject, same matter
    if not about:
        return None
    return max(about, key=lambda sid: (len(set(facts.units) & pool[sid]), sid))


def _gist(sentence: str) -> str:
    """A state's earlier report in a few words, for "was: ..." lines."""
    cut = sentence.split()
    return " ".join(cut[:weights.GIST_WORDS]) + ("…" if len(cut) > weights.GIST_WORDS else "")


def _self_stated(found: Sequence[Revision], sentence_id: int) -> tuple[int, Slot]:
    """A sentence that says outright what a figure was before ("the Greens went from one MP to
    four") reports a change even when the story never carried the old figure: the sentence itself is
    the source of the old value."""
    r = found[0]
    return sentence_id, Slot("s:q:revised", number_text(r.old.value), r.old.text)


def _without_durations(facts: Facts, a: Annotated) -> Facts:
    """The sentence's facts without its durations: "has shut the network for 11 days" after the
    start it tells again is time passing, not a new figure."""
    spans = {"n:" + number_text(q.value) for q in a.quantities if q.unit in TIME_UNITS}
    return replace(facts, units={u: w for u, w in facts.units.items() if u not in spans})


def _dates_said(facts: Facts, pool: dict[int, frozenset[str]]) -> bool:
    """The sentence names a calendar day, and every day it names was given before."""
    days = [u for u in facts.units if u.startswith("d:")]
    seen: set[str] = set().union(*pool.values()) if pool else set()
    return bool(days) and all(d in seen for d in days)


def _said_in_pieces(facts: Facts, pool: dict[int, frozenset[str]]) -> bool:
    """Every name, number and quotation of the sentence was said before, and nearly all its words:
    a restatement spread over several earlier sentences (background told again)."""
    if not pool or not brings_fresh(facts, []) or brings_fresh(facts, pool.values()):
        return False
    return coverage(facts, pool.values()) >= weights.REPEAT_SCATTERED


def _not_news(sentence: StorySentence, a: Annotated) -> bool:
    """Page furniture, a no-comment line, a member of the public's word, a definition, history: never an
    update."""
    return is_boilerplate(sentence.text) or says_no_comment(a) or quotes_the_public(a) or defines(a) or \
        tells_history(a, sentence.published)


def salience(facts: Facts, cover_units: set[str], story: Story, changed: bool) -> float:
    """How much an editor wants to see this first: new numbers, names and quotations, the story's
    own terms, changes above all; with diminishing returns."""
    novel = set(facts.units) - cover_units
    terms = {"l:" + w for t in story.terms for w in words(t.rstrip("*"))}
    terms |= {"e:" + w for key, names in story.entities.items() for n in (key, *names) for w in words(n)}
    score = weights.SALIENCE_NUMBER * min(len(novel & facts.numbers), 3)
    score += weights.SALIENCE_NAME * min(len(novel & facts.names), 4)
    score += weights.SALIENCE_WORD * min(len(novel & facts.lemmas), 8)
    score += weights.SALIENCE_QUOTE * min(len(facts.quotes) and 1 + len(facts.quotes) // 8, 2)
    score += weights.SALIENCE_TERM * min(len((facts.lemmas | facts.names) & terms), 4)
    return round(score + (weights.SALIENCE_CHANGE if changed else 0.0), 3)


def judge_article(story: Story, sentences: Sequence[StorySentence], prior: PriorFacts) -> list[Judgement]:
    """Judge every sentence of one article against what the story said before it was published."""
    if not sentences:
        return []
    notes = read_annotations(sentences)
    all_facts: list[Facts | None] = [None if _not_news(s, a) else facts_of(a)
                                     for s, a in zip(sentences, notes, strict=True)]
    common = sorted({u for f in all_facts if f is not None for u in f.units if u.startswith(("e:", "l:"))})
    seen = prior.counts(common, weights.COUNT_CAP) if common else {}
    all_facts = [weighed_by_frequency(f, seen) if f is not None else None for f in all_facts]
    all_slots = [slots_of(a, s.published) + ordinal_slots(a) if f is not None and f.is_fact else []
                 for s, a, f in zip(sentences, notes, all_facts, strict=True)]
    all_revisions = [revisions(a) if f is not None and f.is_fact else []
                     for a, f in zip(notes, all_facts, strict=True)]
    pools, article_of = candidate_pools(all_facts, prior)
    wanted = {k for slots in all_slots for s in slots if not s.key.startswith("s:x:")
              for k in (s.key, *_broader(s.key))}  # counts, posts, places
    wanted |= {r.old_key for found in all_revisions for r in found}  # figures said to be revised
    outcomes = [(a, f) for a, f in zip(notes, all_facts, strict=True) if f is not None and f.is_fact and not f.expects]
    wanted |= {"s:x:" + n[2:] for _, f in outcomes for n in f.names}  # what was expected of a name, or
    wanted |= {"s:x:" + u for a, _ in outcomes for u in done_things(a)}  # of a known thing ("the purchases")
    hits: dict[str, list[tuple[int, Slot]]] = {}
    for key, sid, value in prior.earlier(sorted(wanted), weights.PER_SLOT) if wanted else ():
        hits.setdefault(key, []).append((sid, Slot.parse(key, value)))
    counted = sorted({sid for key, found in hits.items() if key.startswith("s:q:") for sid, _ in found})
    hit_article = {sid: art for sid, (art, _) in prior.units(counted).items()} if counted else {}
    judgements: list[Judgement] = []
    kept: list[frozenset[str]] = []
    for s, note, f, slots, pool, revised in zip(sentences, notes, all_facts, all_slots, pools, all_revisions,
                                               strict=True):
        if f is None:
            judgements.append(Judgement(s, "boilerplate"))
            continue
        if not f.is_fact:
            judgements.append(Judgement(s, "minor", f))
            continue
        cover = best_cover(f, pool)
        j = Judgement(s, "new", f, cover, slots)
        if tells_onset(note) and _dates_said(f, pool) and not brings_fresh(_without_durations(f, note), pool.values()):
            judgements.append(Judgement(s, "repeat", f, cover, slots))  # the story's start told again
            continue
        change = _latest_change(slots, hits, hit_article)
        if change is not None and is_repeat(cover) and \
                not brings_fresh(f, [pool[i] for i in cover.sources if i in pool]) and \
                not _standing_count_new(note, slots, hits, cover.sources):
            change = None  # the sentences holding it gave every name and figure: that change was reported
        change = change or _moved(slots, cover, hits) or _resolved(f, note, cover, hits)
        if change is None and (state := _state_before(f, note, pool)) is not None:
            change = state, Slot("s:n:state", "", "")  # "now expected by April 2020": a fresh fact, however much is old
        if change is not None:
            j.verdict, j.previous = "changed", change
        elif is_repeat(cover) or _said_in_pieces(f, pool) or f.recap and cover.share >= weights.RECAP_COVER:
            j.verdict = "repeat"
        elif kept and coverage(f, kept) >= weights.REPEAT_SINGLE and \
                max(coverage(f, [k]) for k in kept) >= weights.REPEAT_SINGLE:
            j.verdict = "duplicate"
        elif revised and (change := _revised(revised, slots, pool, hits) or _self_stated(revised, s.id)):
            j.verdict, j.previous = "changed", change
        elif (state := undone_before(note, pool) or settled_before(f.units, note, pool)) is not None:
            j.verdict, j.previous = "changed", (state, Slot("s:n:state", "", ""))
        if j.verdict in ("new", "changed"):
            kept.append(frozenset(f.units))
            covered = set().union(*(pool[i] for i in cover.sources)) if cover.sources else set()
            j.salience = salience(f, covered, story, j.verdict == "changed")
        judgements.append(j)
    _suppress_syndicated(judgements, pools, article_of)
    return judgements


def _suppress_syndicated(judgements: list[Judgement], pools: Sequence[dict[int, frozenset[str]]],
                         article_of: dict[int, int]) -> None:
    """When most of the article repeats one earlier article (a rewritten wire copy), keep only the
    sentences that bring a name, number or quotation that article never had."""
    factual = [j for j in judgements if j.verdict in ("new", "changed", "repeat", "duplicate")]
    origin = syndicated_origin([j.cover for j in factual], len(factual), article_of)
    if origin is None:
        return
    origin_units = [u for pool in pools for sid, u in pool.items() if article_of.get(sid) == origin]
    for j in judgements:
        if j.verdict == "new" and j.facts is not None and not brings_fresh(j.facts, origin_units):
            j.verdict = "repeat"


def index_entries(judgements: Sequence[Judgement]) -> tuple[list[FactEntry], dict[int, str]]:
    """What the story's index keeps of an article: every fact sentence's units as keys, its slot
    values, and its units for comparison by later sentences."""
    entries: list[FactEntry] = []
    units: dict[int, str] = {}
    for j in judgements:
        if j.facts is None or not j.facts.is_fact:
            continue
        sid = j.sentence.id
        units[sid] = units_text(j.facts)
        entries.extend(FactEntry(sid, key) for key in j.facts.units)
        entries.extend(FactEntry(sid, slot.key, slot.stored()) for slot in j.slots)
        entries.extend(FactEntry(sid, key) for key in markers(j.slots))
    return entries, units


def find_updates(story: Story, sentences: list[StorySentence], prior: PriorFacts,
                 later: PriorFacts | None = None, withdrawn: Sequence[str] = ()) -> Findings:
    """The new and changed facts of ONE article for `story`, most salient first, and its index entries.

    `prior` holds what the story's articles published before this one said; `later`, given when
    articles published after it are already stored (it arrived late), what they said: updates they
    had already reported are recorded but marked quiet (not announced again), and the later articles
    whose judgement its facts can change are named (`Findings.affected`, see `reach.py`), together
    with those that relied on the index keys in `withdrawn` (what a revision of it no longer says).
    """
    judgements = judge_article(story, sentences, prior)
    previous_ids = sorted({j.previous[0] for j in judgements if j.previous is not None})
    earlier = prior.sentences(previous_ids) if previous_ids else {}
    earlier.update((s.id, s) for s in sentences if s.id in previous_ids)  # a sentence giving its own old figure
    updates: list[Update] = []
    for j in judgements:
        if j.verdict not in ("new", "changed"):
            continue
        previous = None
        if j.previous is not None and j.previous[0] in earlier:
            before = earlier[j.previous[0]]
            said = j.previous[1].text or j.previous[1].value or _gist(before.text)
            previous = PreviousValue(before.text, said, citation_for(before))
        kind = "changed" if previous is not None else "new"
        updates.append(Update(story.id, kind, j.sentence.text, citation_for(j.sentence), j.salience, previous))
    quiet: set[str] = set()
    if later is not None:
        fresh = [j for j in judgements if j.verdict in ("new", "changed")]
        pools, _ = candidate_pools([j.facts for j in fresh], later)
        quiet = {j.sentence.text for j, pool in zip(fresh, pools, strict=True)
                 if j.facts is not None and is_repeat(best_cover(j.facts, pool))}
    entries, units = index_entries(judgements)
    affected = (affected_articles([*(e.key for e in entries), *withdrawn], prior, later)
                if later is not None else set())
    counts = Counter(j.verdict for j in judgements)
    log.info("event=updates_judged story=%s article=%s sentences=%d %s", story.id,
             sentences[0].article_id if sentences else None, len(sentences),
             " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    updates.sort(key=lambda u: -u.salience)
    return Findings(updates, entries, units, quiet, affected)
