"""Was it said before? Candidates from the story's fact index, coverage, and the new/repeat decision.

The index maps a fact key (a name, a number, a quote piece, a content lemma, a slot) to the
sentences that said it, each with its article's publication time. For a sentence being judged the
detector looks up at most `LOOKUP_KEYS` of its keys, `PER_KEY` earlier sentences each (newest
first), compares the units of the `CANDIDATES` with the most overlap, and calls it a repeat when
one earlier sentence, or two together, hold most of its weighted units. Nothing here grows with the
story: every look-up has a fixed cap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.domain import StorySentence
from bot.understand.updates import weights
from bot.understand.updates.facts import Facts, units_from_text

FactHit = tuple[str, int, str]  # (key, sentence id, slot value or "")


class PriorFacts(Protocol):
    """What a story had said before (or, for a late article, after) the article being judged."""

    def earlier(self, keys: Sequence[str], per_key: int) -> list[FactHit]:
        """Index entries with these keys from the story's other articles in the window, newest
        first within each key, at most `per_key` per key."""
        ...

    def counts(self, keys: Sequence[str], cap: int) -> dict[str, int]:
        """How many entries each key has in the window, counted up to `cap` (absent: none)."""
        ...

    def units(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """The article id and stored fact units of each of these sentences."""
        ...

    def sentences(self, sentence_ids: Sequence[int]) -> dict[int, StorySentence]:
        """These sentences, with what a reader needs to cite them."""
        ...


@dataclass(frozen=True)
class Cover:
    """How much of a sentence earlier sentences hold, and which ones."""

    share: float
    sources: tuple[int, ...] = ()

    @property
    def source(self) -> int | None:
        """The earlier sentence holding the most of it."""
        return self.sources[0] if self.sources else None


def coverage(facts: Facts, pool: Iterable[frozenset[str]]) -> float:
    """Weighted share of a sentence's units found among the given earlier sentences' units."""
    total = sum(facts.units.values())
    if total == 0:
        return 1.0
    seen: set[str] = set().union(*pool)
    got = 0.0
    names: list[str] | None = None
    for unit, weight in facts.units.items():
        if unit in seen:
            got += weight
        elif unit.startswith("e:"):
            names = names if names is not None else [u for u in seen if u.startswith("e:")]
            if any(same_name(unit, other) for other in names):
                got += weight
        elif unit in _VARIANT_OF and _VARIANT_OF[unit] & seen:
            got += weight
    return got / total


# Words news copy uses in turn for one thing, so that a restatement in other words is still seen.
VARIANTS: tuple[frozenset[str], ...] = tuple(frozenset("l:" + w for w in g.split()) for g in (
    "strike walkout stoppage",
    "fire blaze flame inferno",
    "kill die dead death",
    "injure hurt wound",
    "deal agreement accord pact",
    "talk negotiation",
    "begin start",
    "end finish conclude",
    "company firm",
))
_VARIANT_OF = {w: g for g in VARIANTS for w in g}


def same_name(a: str, b: str) -> bool:
    """Two name units for one name: one begins the other ("egypt"/"egyptian", "maj"/"major")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short)


Pool = dict[int, frozenset[str]]  # earlier sentence id -> its units


def candidate_pools(all_facts: Sequence[Facts | None], prior: PriorFacts) -> tuple[list[Pool], dict[int, int]]:
    """For each sentence, the earlier sentences most worth comparing with it, by their units, and
    the article of each of them.

    One bounded index look-up for the whole article, then one fetch of the chosen sentences' units.
    """
    keys = list(dict.fromkeys(k for f in all_facts if f for k in f.lookup))
    if not keys:
        return [{} for _ in all_facts], {}
    holders: dict[str, list[int]] = {}
    for key, sid, _ in prior.earlier(keys, weights.PER_KEY):
        holders.setdefault(key, []).append(sid)
    chosen: list[list[int]] = []
    for f in all_facts:
        score: Counter[int] = Counter()
        if f is not None:
            for key in f.lookup:
                for sid in holders.get(key, ()):
                    score[sid] += f.units.get(key, 1.0)
        chosen.append([sid for sid, _ in score.most_common(weights.CANDIDATES)])
    stored = prior.units(sorted({sid for ids in chosen for sid in ids}))
    units = {sid: units_from_text(text) for sid, (_, text) in stored.items()}
    article_of = {sid: article for sid, (article, _) in stored.items()}
    return [{sid: units[sid] for sid in ids if sid in units} for ids in chosen], article_of


def best_cover(facts: Facts, pool: Pool) -> Cover:
    """The best coverage of a sentence by one earlier sentence, or by two that each hold part of it."""
    if not pool:
        return Cover(0.0)
    scored = sorted(((coverage(facts, [u]), sid) for sid, u in pool.items()), key=lambda t: (-t[0], t[1]))
    best, best_sid = scored[0]
    result = Cover(best, (best_sid,))
    if best >= weights.REPEAT_SINGLE or best < weights.PAIR_MEMBER:
        return result
    for share, sid in scored[1:weights.PAIR_POOL]:
        if share < weights.PAIR_MEMBER:
            break
        pair = coverage(facts, [pool[best_sid], pool[sid]])
        if pair > result.share:
            result = Cover(pair, (best_sid, sid))
    return result


def is_repeat(cover: Cover) -> bool:
    """Said before: one earlier sentence holds most of it, or two together hold even more."""
    if len(cover.sources) <= 1:
        return cover.share >= weights.REPEAT_SINGLE
    return cover.share >= weights.REPEAT_PAIR


def syndicated_origin(covers: Sequence[Cover], factual: int, article_of: dict[int, int]) -> int | None:
    """The earlier article this one mostly repeats (a rewritten wire copy), or None."""
    origins = Counter(article_of[c.source] for c in covers if c.source is not None and is_repeat(c)
                      and c.source in article_of)
    if factual < 3 or not origins:
        return None
    origin, count = origins.most_common(1)[0]
    return origin if count >= weights.SYNDICATED_SHARE * factual else None


def brings_fresh(facts: Facts, origin_units: Iterable[frozenset[str]]) -> bool:
    """True when a sentence has a name, number or quotation the origin article never had."""
    seen: set[str] = set().union(*origin_units)
    names = [u for u in seen if u.startswith("e:")]
    fresh_names = [u for u in facts.names if u not in seen and not any(same_name(u, n) for n in names)]
    return bool(fresh_names) or any(u not in seen for u in facts.numbers | facts.quotes)
