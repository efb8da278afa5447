"""Which later articles an article's facts can change: re-judging a story at a flat cost.

An article can reach the story's fact index after articles published later than it: old news that
came late, or a revision that changed what it says. Their judgements may then be wrong: a sentence
they announced as new was said by it first, or the latest earlier value of a slot is now its own.
Judging every later article again costs as much as the story is long. It need not: a sentence is
judged only against a bounded slice of the index, per key, the nearest in time before it:

- its candidates, `weights.PER_KEY` entries of each look-up key (`novelty.candidate_pools`);
- its slot values, `weights.PER_SLOT` entries of each slot key (`judge.judge_article`);
- how often its names and words were said before, counted up to `weights.COUNT_CAP`.

So an entry of key K changes nothing for a later sentence once that many entries of K lie between
the two (for the count: once the entries before the article and between reach the cap). The later
sentences an article can change therefore hold one of its keys among the first few entries of that
key after it, and those are found with the same bounded look-ups, whatever the story's length.
A sentence's index entries do not depend on what was said before it (only its verdicts do), so
judging an article again never changes what later ones see: nothing cascades.

Two look-ups go by another key than the one a sentence holds: a name's expectation (`s:x:NAME`) is
looked up by sentences naming it (`e:NAME`), and the count of "people" by sentences counting some
kind of people, which hold a marker entry for it (`PEOPLE_COUNTS`, never looked up in judging).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.understand.updates import weights
from bot.understand.updates.counts import GENERIC_COUNT, counts_people
from bot.understand.updates.novelty import PriorFacts
from bot.understand.updates.slot import Slot

MARKER = "w:"  # index keys held only to be found here, never looked up in judging
PEOPLE_COUNTS = MARKER + "people-count"  # the sentence counts some kind of people: it looks up GENERIC_COUNT too
NEAR = max(weights.PER_KEY, weights.PER_SLOT)  # entries of a key a later sentence compares with


def markers(slots: Sequence[Slot]) -> list[str]:
    """Marker keys a sentence's index entries carry: the look-ups it makes under a key it does not hold."""
    return [PEOPLE_COUNTS] if any(counts_people(s.key) for s in slots) else []


def reached_keys(keys: Iterable[str]) -> list[str]:
    """The index keys that later sentences judged against these keys hold: each key itself (markers
    apart), plus the names an expectation is about and the marker of counts of some kind of people."""
    reached: dict[str, None] = {}
    for key in keys:
        if key.startswith(MARKER):
            continue
        reached[key] = None
        if key.startswith("s:x:l:"):
            reached[key[4:]] = None  # an expectation about a known thing ("the purchases")
        elif key.startswith("s:x:"):
            reached["e:" + key[4:]] = None
        elif key == GENERIC_COUNT:
            reached[PEOPLE_COUNTS] = None
    return list(reached)


def affected_articles(keys: Iterable[str], prior: PriorFacts, later: PriorFacts) -> set[int]:
    """The later articles whose judgement entries under these keys (an article's, or those a revision
    dropped) can change: those holding a reached key among its first entries after the article.

    `prior` is the story before the article (how often each name and word was said: a key already
    counted up to the cap changes no count), `later` the story after it. Two bounded look-ups.
    """
    reached = reached_keys(keys)
    if not reached:
        return set()
    counted = [k for k in reached if k.startswith(("e:", "l:"))]
    said = prior.counts(counted, weights.COUNT_CAP) if counted else {}
    # a key said fewer times than this before the article moves the count of sentences further on
    wide = {k for k in counted if said.get(k, 0) < weights.COUNT_CAP - NEAR}
    narrow = [k for k in reached if k not in wide]
    hits = later.earlier(narrow, NEAR) if narrow else []
    hits += later.earlier(sorted(wide), weights.COUNT_CAP) if wide else []
    holders = sorted({sid for _, sid, _ in hits})
    return {article for article, _ in later.units(holders).values()} if holders else set()
