"""Decide which sentences of a newly arrived article are news for a story.

For each sentence of the new article the detector asks the store for earlier sentences of the
same story that share words with it, then compares *information units* (content stems, names,
numbers, quotations) rather than raw words:

- a sentence whose units are (almost) all present in one or two earlier sentences is a repeat,
  even when reworded, reordered or split differently (a syndicated copy);
- a sentence that restates an earlier slot with a different value is a change: the same quantity
  with another number ("136 hostages" -> "130 hostages"), or an expected event that has now
  happened or failed ("expected to meet in Cairo" -> "met in Cairo");
- anything else that carries a fact (a name, a number, a quotation or enough content) is new.

When most of an article repeats a single earlier article, it is treated as a republished copy
and only sentences that bring a name or number that article never had survive.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz

from bot.domain import Citation, PreviousValue, Story, StorySentence, Update
from bot.text import words
from bot.understand.boilerplate import is_boilerplate
from bot.understand.lexical import (
    Features,
    NumberMention,
    entity_key,
    features,
    is_year,
    number_key,
)
from bot.understand.lexicon import stem
from bot.understand.wordnet import DEFAULT_DIR, WordNet, load_wordnet

log = logging.getLogger(__name__)

_ENTITY_WEIGHT = 2.0
_NUMBER_WEIGHT = 2.0
_QUOTE_WEIGHT = 2.0
_STEM_WEIGHT = 1.0

_EXPECTATION = re.compile(
    r"\b(?:expected to|is expected|are expected|was expected|were expected|due to (?!the\b|a\b)|"
    r"set to|scheduled|plans? to|planned|planning to|were to|was to|is to|are to|not yet|yet to|"
    r"likely to|poised to|still (?:working|negotiating|studying|considering|deciding)|"
    r"will (?:announce|decide|respond|reply|meet|hold|travel|visit|resume|continue|return|vote)|"
    r"continue to|were continuing|was continuing|to continue)\b",
    re.IGNORECASE,
)


class PriorSentences(Protocol):
    """Where the detector finds what a story said before the article being judged."""

    def similar(self, text: str, limit: int = 30) -> list[StorySentence]:
        """Earlier sentences of the same story (published before the article being judged) that
        share words with `text`, best first. The store implements it with a full-text index."""
        ...


@dataclass(frozen=True)
class UpdateSettings:
    """Thresholds of the detector (fractions of a sentence's weighted information units)."""

    repeat_single: float = 0.72  # one earlier sentence holds this much of it: a repeat
    repeat_pair: float = 0.82  # two earlier sentences together hold this much: a repeat
    pair_member: float = 0.3  # each of those two must hold at least this much on its own
    slot_threshold: int = 4  # slot_score for two numbers to count the same thing
    common_share: float = 0.25  # a unit in more of the story's sentences than this is no anchor
    anchor_units: int = 2  # shared units for an outcome to resolve an earlier expectation
    syndicated_share: float = 0.6  # share of an article's facts repeating one earlier article
    min_content: int = 4  # content stems a sentence without names/numbers/quotes needs
    swap_coverage: float = 0.6  # coverage above which another name in the same place is a change
    candidates: int = 30
    synonyms: bool = True  # match words by WordNet synonyms when its files are installed
    wordnet_dir: Path = DEFAULT_DIR


@dataclass
class Judgement:
    """How one sentence of the new article was judged, with the reason (for logs and the bench)."""

    sentence: StorySentence
    verdict: str  # "new" | "changed" | "repeat" | "boilerplate" | "minor" | "duplicate"
    coverage: float = 0.0
    source: StorySentence | None = None
    previous: PreviousValue | None = None
    salience: float = 0.0
    novel: set[str] = field(default_factory=set)


def citation_for(sentence: StorySentence) -> Citation:
    """The citation a reader needs for a stored sentence."""
    return Citation(
        title=sentence.article_title,
        url=sentence.article_url,
        source=sentence.source,
        published=sentence.published,
        sentence=sentence.text,
    )


def _weights(f: Features) -> dict[str, float]:
    units: dict[str, float] = {}
    for s in f.stems:
        units[s] = _STEM_WEIGHT
    for e in f.entities:
        units[e] = _ENTITY_WEIGHT
    for n in f.numbers:
        units[number_key(n.value)] = _NUMBER_WEIGHT
    return units


def _norm(text: str) -> str:
    return " ".join(words(text))


def _quote_covered(quote: str, text: str) -> bool:
    return fuzz.partial_ratio(_norm(quote), _norm(text)) >= 90


def _senses(f: Features, thesaurus: WordNet) -> frozenset[str]:
    """Every frequent WordNet sense of a sentence's content words and two-word verbs (cached)."""
    cached = f.senses_cache.get(id(thesaurus))
    if cached is None:
        found: set[str] = set()
        for lemmas in f.lemmas.values():
            for lemma in lemmas:
                found |= thesaurus.senses(lemma)
        for pair in f.pairs:
            found |= thesaurus.senses(pair)
        cached = frozenset(found)
        f.senses_cache[id(thesaurus)] = cached
    return cached


def _synonym_covered(f: Features, others: Sequence[Features], uncovered: set[str],
                     thesaurus: WordNet | None) -> set[str]:
    """Content stems of `f` not found in `others` but matched there by a synonym."""
    if not thesaurus or not others:
        return set()
    pool: frozenset[str] = frozenset().union(*(_senses(o, thesaurus) for o in others))
    found = set()
    for key in uncovered:
        if any(thesaurus.senses(lemma) & pool for lemma in f.lemmas.get(key, ())):
            found.add(key)
    for pair, span in f.pairs.items():
        if span[0] in uncovered and thesaurus.senses(pair) & pool:
            found |= set(span) & uncovered
    return found


def _abbreviates(a: str, b: str) -> bool:
    """True when one name is a shortening of the other ("maj"/"major")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and short != long and long.startswith(short)


def _covered_units(f: Features, others: Sequence[Features], thesaurus: WordNet | None = None) -> set[str]:
    pool: set[str] = set()
    for o in others:
        pool |= o.units
        pool |= {initials for initials, _ in o.phrases}
        for n in o.numbers:  # a range covers its endpoints and vice versa
            lo, hi = n.value
            pool.add(number_key((lo, lo)))
            pool.add(number_key((hi, hi)))
    covered = {u for u in _weights(f) if u in pool}
    for initials, names in f.phrases:  # "United Nations" is covered by an earlier "U.N."
        if initials in pool:
            covered |= set(names)
    for o in others:  # and "UN" by an earlier "United Nations"
        covered |= {initials for initials, _ in o.phrases if initials in f.entities}
    pool_names = {e for o in others for e in o.entities}
    for e in f.entities - covered:  # "Maj." and "Major", "Gen." and "General"
        if any(_abbreviates(e, p) for p in pool_names):
            covered.add(e)
    if thesaurus:
        uncovered = {u for u in f.lemmas if u not in covered}
        covered |= _synonym_covered(f, others, uncovered, thesaurus)
    for n in f.numbers:
        lo, hi = n.value
        if lo != hi and number_key((lo, lo)) in pool and number_key((hi, hi)) in pool:
            covered.add(number_key(n.value))
    return covered


def coverage(f: Features, others: Sequence[Features], thesaurus: WordNet | None = None) -> float:
    """Weighted share of a sentence's information units found in the given earlier sentences."""
    weights = _weights(f)
    total = sum(weights.values()) + _QUOTE_WEIGHT * len(f.quotes)
    if total == 0:
        return 1.0
    covered = _covered_units(f, others, thesaurus)
    got = sum(weights[u] for u in covered)
    for q in f.quotes:
        if any(_quote_covered(q, o.text) for o in others):
            got += _QUOTE_WEIGHT
    return got / total


def _is_fact(f: Features, settings: UpdateSettings) -> bool:
    if f.entities or f.quotes or any(not is_year(n) for n in f.numbers):
        return len(f.stems) + len(f.entities) >= 2
    return len(set(f.stems)) >= settings.min_content


def _best_cover(
    f: Features, pool: Sequence[tuple[StorySentence, Features]], settings: UpdateSettings, thesaurus: WordNet | None
) -> tuple[float, StorySentence | None, list[Features]]:
    """The best coverage of `f` by one earlier sentence, or by two that each hold part of it."""
    if not pool:
        return 0.0, None, []
    scored = sorted(((coverage(f, [pf], thesaurus), ps, pf) for ps, pf in pool), key=lambda t: -t[0])
    best, best_s, best_f = scored[0]
    result = (best, best_s, [best_f])
    if best >= settings.repeat_single:
        return result
    for cov, _s, pf in scored[1:8]:
        if cov < settings.pair_member or best < settings.pair_member:
            break
        pair = coverage(f, [best_f, pf], thesaurus)
        if pair >= settings.repeat_pair and pair > result[0]:
            result = (pair, best_s, [best_f, pf])
    return result


def _entity_swap(
    f: Features, source: StorySentence | None, cover: Sequence[Features], cov: float, settings: UpdateSettings
) -> tuple[StorySentence, str] | None:
    """The earlier sentence says the same thing with another name in the same place ("talks in
    Paris" -> "talks in Cairo", "on Tuesday" -> "on Thursday"): a changed place, date or actor."""
    if source is None or len(cover) != 1 or cov < settings.swap_coverage:
        return None
    earlier = cover[0]
    gone = {e: w for e, w in earlier.entity_after.items() if e not in f.units}
    for entity, before in f.entity_after.items():
        if entity in earlier.units or before in _CONNECTIVES:
            continue
        for old, old_before in gone.items():
            if old_before == before and not _abbreviates(entity, old):
                return source, f"{before} {_surface(source.text, old)}"
    return None


_CONNECTIVES = frozenset({"and", "or", "but", ",", "the", "a", "an"})


def _surface(text: str, key: str) -> str:
    """The words of `text` that make up the unit `key` (for quoting an earlier value back)."""
    for w in re.findall(r"[A-Za-z][\w'-]*", text):
        if entity_key(w.lower()) == key:
            return w
    return key


def _midpoint(value: tuple[float, float]) -> float:
    return (value[0] + value[1]) / 2


def slot_score(n: NumberMention, f: Features, m: NumberMention, pf: Features) -> int:
    """How surely two numbers count the same thing: shared surrounding words, the same unit
    ("hostages"), the unit of one named near the other, and values of a similar size (a revised
    count rarely moves by more than a factor of two, an unrelated number often does)."""
    if m.times - n.times:  # the earlier number is dated to a period this one is not
        return 0
    score = len((n.context & m.context) - {n.unit, m.unit})
    if n.unit and n.unit == m.unit:
        score += 2
    elif (n.unit and n.unit in pf.units) or (m.unit and m.unit in f.units):
        score += 1
    elif n.unit and m.unit:  # "45 minutes" and "30 people" never count the same thing
        return 0
    a, b = sorted((_midpoint(n.value), _midpoint(m.value)))
    if a > 0:
        ratio = b / a
        score += 2 if ratio <= 1.5 else 1 if ratio <= 2.0 else 0
    return score


def _number_change(
    f: Features, pool: Sequence[tuple[StorySentence, Features]], settings: UpdateSettings
) -> tuple[StorySentence, NumberMention, NumberMention] | None:
    """An earlier sentence giving another value for the same quantity as a number in `f`.

    A value that some earlier sentence already gave for the same slot is no change.
    """
    own_points = {v for n in f.numbers for v in n.value}
    best: tuple[int, StorySentence, NumberMention, NumberMention] | None = None
    for n in f.numbers:
        if is_year(n) or not n.context:
            continue
        candidates: list[tuple[int, StorySentence, NumberMention]] = []
        already_said = False
        for ps, pf in pool:
            for m in pf.numbers:
                if is_year(m):
                    continue
                same = m.value == n.value or (n.value[0] == n.value[1] and n.value[0] in m.value)
                score = slot_score(n, f, m, pf)
                if same and score - 2 >= settings.slot_threshold - 2:
                    already_said = True
                elif not same and score >= settings.slot_threshold and not set(m.value) <= own_points:
                    candidates.append((score, ps, m))
        if already_said:
            continue
        for score, ps, m in candidates:
            if best is None or score > best[0]:
                best = (score, ps, m, n)
    if best is None:
        return None
    return best[1], best[2], best[3]


def _expectation_resolved(
    f: Features,
    pool: Sequence[tuple[StorySentence, Features]],
    common: set[str],
    settings: UpdateSettings,
) -> tuple[StorySentence, str] | None:
    """An earlier sentence that expected something which this sentence reports as done or failed.

    The earlier clause must state an expectation ("expected to", "not yet", "were to continue")
    and share its subject or names plus distinctive words with this sentence, which itself
    expects nothing. Words common to the whole story ("hostages") identify no particular event.
    """
    if _EXPECTATION.search(f.text):
        return None
    best: tuple[int, StorySentence, str] | None = None
    mine = f.entities | set(f.stems)
    for ps, _pf in pool:
        for marker in _EXPECTATION.finditer(ps.text):
            clause = _clause_around(ps.text, marker.start())
            cf = features(clause)
            subject = _first_entity(clause, cf)
            shared = mine & (cf.entities | set(cf.stems))
            anchors = {u for u in shared if u not in common or u == subject}
            if not (anchors & f.entities) or len(anchors) < settings.anchor_units:
                continue
            # What was expected must match beyond its verb: "expected to visit Malatya" is not
            # resolved by a visit somewhere else.
            clause_end = ps.text.find(clause) + len(clause)
            expected = _ordered_units(ps.text[marker.end():clause_end])
            if not anchors & set(expected[1:]):
                continue
            if best is None or len(anchors) > best[0]:
                best = (len(anchors), ps, clause)
    if best is None:
        return None
    return best[1], best[2]


def _ordered_units(text: str) -> list[str]:
    """The content units of `text` in the order they occur."""
    f = features(text)
    units = f.entities | set(f.stems)
    keys = []
    for w in words(text):
        for key in (entity_key(w), stem(w)):
            if key in units and key not in keys:
                keys.append(key)
                break
    return keys


def _first_entity(clause: str, cf: Features) -> str | None:
    for w in words(clause):
        if entity_key(w) in cf.entities:
            return entity_key(w)
    return None


def _common_units(pools: Sequence[Sequence[tuple[StorySentence, Features]]], share: float) -> set[str]:
    """Units found in more than `share` of the story's retrieved earlier sentences."""
    seen: dict[int, Features] = {}
    for pool in pools:
        for ps, pf in pool:
            seen[ps.id] = pf
    if len(seen) < 8:
        return set()
    df: Counter[str] = Counter()
    for pf in seen.values():
        df.update(set(pf.stems) | pf.entities)
    return {u for u, c in df.items() if c / len(seen) > share}


def _clause_around(text: str, index: int) -> str:
    """The clause of `text` that holds position `index` (the earlier expectation, quoted back)."""
    bounds = [m.end() for m in re.finditer(r"[,;:—]\s", text[:index])]
    start = bounds[-1] if bounds else 0
    end_match = re.search(r"[,;:—](?:\s|$)|[.!?]\s*$", text[index:])
    end = index + end_match.start() if end_match else len(text)
    return text[start:end].strip()


def _salience(f: Features, novel: set[str], story: Story, changed: bool) -> float:
    """How much an editor would want to see this first: new numbers, names and quotations, the
    story's own terms, and changes above all; with diminishing returns, so that a long list of
    names does not outrank a changed count."""
    story_terms = {stem(w) for t in story.terms for w in words(t.rstrip("*"))}
    story_terms |= {entity_key(w) for key, names in story.entities.items() for n in (key, *names)
                    for w in words(n)}
    numbers = sum(1 for u in novel if u.startswith("#"))
    names = sum(1 for u in novel if u in f.entities)
    others = len(novel) - numbers - names
    score = 1.5 * min(numbers, 3) + 1.0 * min(names, 4) + 0.25 * min(others, 8)
    score += 1.0 * min(len(f.quotes), 2)
    score += 0.5 * min(len((set(f.stems) | f.entities) & story_terms), 4)
    if changed:
        score += 3.0
    return round(score, 3)


def judge_article(
    story: Story,
    sentences: Sequence[StorySentence],
    prior: PriorSentences,
    settings: UpdateSettings | None = None,
) -> list[Judgement]:
    """Judge every sentence of one new article against the story's earlier sentences."""
    settings = settings or UpdateSettings()
    if not sentences:
        return []
    article_ids = {s.article_id for s in sentences}
    pools: list[list[tuple[StorySentence, Features]]] = []
    for s in sentences:
        found = [c for c in prior.similar(s.text, settings.candidates) if c.article_id not in article_ids]
        pools.append([(c, features(c.text)) for c in found])
    common = _common_units(pools, settings.common_share)
    thesaurus = load_wordnet(settings.wordnet_dir) if settings.synonyms else None
    judgements: list[Judgement] = []
    kept: list[tuple[StorySentence, Features]] = []
    for s, pool in zip(sentences, pools, strict=True):
        f = features(s.text)
        if is_boilerplate(s.text):
            judgements.append(Judgement(s, "boilerplate"))
            continue
        if not _is_fact(f, settings):
            judgements.append(Judgement(s, "minor"))
            continue
        cov, source, cover = _best_cover(f, pool, settings, thesaurus)
        novel = set(_weights(f)) - _covered_units(f, cover, thesaurus)
        change = _number_change(f, pool, settings)
        if change is not None:
            ps, old, new = change
            previous = PreviousValue(sentence=ps.text, value=old.text, citation=citation_for(ps))
            judgements.append(Judgement(s, "changed", cov, ps, previous,
                                        _salience(f, novel, story, True), novel))
            kept.append((s, f))
            continue
        swap = _entity_swap(f, source, cover, cov, settings)
        if swap is not None:
            previous = PreviousValue(sentence=swap[0].text, value=swap[1], citation=citation_for(swap[0]))
            judgements.append(Judgement(s, "changed", cov, swap[0], previous,
                                        _salience(f, novel, story, True), novel))
            kept.append((s, f))
            continue
        if cov >= settings.repeat_single or (len(cover) == 2 and cov >= settings.repeat_pair):
            judgements.append(Judgement(s, "repeat", cov, source))
            continue
        in_article, _, _ = _best_cover(f, kept, settings, thesaurus)
        if in_article >= settings.repeat_single:
            judgements.append(Judgement(s, "duplicate", in_article))
            continue
        resolved = _expectation_resolved(f, pool, common, settings)
        if resolved is not None:
            ps, value = resolved
            previous = PreviousValue(sentence=ps.text, value=value, citation=citation_for(ps))
            judgements.append(Judgement(s, "changed", cov, ps, previous,
                                        _salience(f, novel, story, True), novel))
        else:
            judgements.append(Judgement(s, "new", cov, source, None,
                                        _salience(f, novel, story, False), novel))
        kept.append((s, f))
    _suppress_syndicated(judgements, pools, settings)
    return judgements


def _suppress_syndicated(
    judgements: list[Judgement], pools: Sequence[Sequence[tuple[StorySentence, Features]]],
    settings: UpdateSettings,
) -> None:
    """When most of the article repeats one earlier article, keep only what that article lacked:
    a sentence survives with a name, number or quotation the earlier article never had."""
    factual = [j for j in judgements if j.verdict in ("new", "changed", "repeat", "duplicate")]
    repeats = [j for j in factual if j.verdict == "repeat" and j.source is not None]
    if len(factual) < 3 or not repeats:
        return
    origin, count = Counter(j.source.article_id for j in repeats if j.source).most_common(1)[0]
    if count < settings.syndicated_share * len(factual):
        return
    origin_features = {ps.id: pf for pool in pools for ps, pf in pool if ps.article_id == origin}
    others = list(origin_features.values())
    for j in judgements:
        if j.verdict not in ("new", "changed"):
            continue
        f = features(j.sentence.text)
        covered = _covered_units(f, others)
        fresh = (f.entities | {number_key(n.value) for n in f.numbers if not is_year(n)}) - covered
        fresh_quotes = [q for q in f.quotes if not any(_quote_covered(q, o.text) for o in others)]
        if not fresh and not fresh_quotes:
            log.debug("event=syndicated_sentence_suppressed origin_article=%s sentence_id=%s", origin,
                      j.sentence.id)
            j.verdict = "repeat"


def find_updates(
    story: Story,
    sentences: list[StorySentence],
    prior: PriorSentences,
    settings: UpdateSettings | None = None,
) -> list[Update]:
    """Return the new and changed facts of ONE new article for `story`, most salient first.

    `sentences` are every sentence of the article in order; `prior` finds the story's earlier
    sentences. The first article of a story (nothing earlier) yields all its fact sentences as new.
    """
    judgements = judge_article(story, sentences, prior, settings)
    updates = [
        Update(
            story=story.id,
            kind=j.verdict,
            sentence=j.sentence.text,
            citation=citation_for(j.sentence),
            salience=j.salience,
            previous=j.previous,
        )
        for j in judgements
        if j.verdict in ("new", "changed")
    ]
    counts = Counter(j.verdict for j in judgements)
    log.info("event=updates_judged story=%s article=%s sentences=%d %s", story.id,
             sentences[0].article_id if sentences else None, len(sentences),
             " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    updates.sort(key=lambda u: -u.salience)
    return updates


def _bm25_terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if len(w) > 1]


class MemoryPrior:
    """An in-memory `PriorSentences` ranking earlier sentences by BM25 over word stems.

    For tests and development; the store does the same with its full-text index. Add each
    article's sentences with `add` after judging it, so later articles see it as earlier.
    """

    def __init__(self, sentences: Iterable[StorySentence] = (), k1: float = 1.2, b: float = 0.75) -> None:
        self._k1 = k1
        self._b = b
        self._docs: list[StorySentence] = []
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._total_len = 0
        self.add(sentences)

    def add(self, sentences: Iterable[StorySentence]) -> None:
        """Make these sentences available as earlier sentences of the story."""
        for s in sentences:
            terms = Counter(_bm25_terms(s.text))
            index = len(self._docs)
            self._docs.append(s)
            self._lengths.append(sum(terms.values()))
            self._total_len += self._lengths[-1]
            for term, tf in terms.items():
                self._postings.setdefault(term, []).append((index, tf))

    def __len__(self) -> int:
        return len(self._docs)

    def similar(self, text: str, limit: int = 30) -> list[StorySentence]:
        """Earlier sentences sharing words with `text`, best BM25 score first."""
        if not self._docs:
            return []
        n = len(self._docs)
        avg = self._total_len / n or 1.0
        scores: dict[int, float] = {}
        for term in set(_bm25_terms(text)):
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for index, tf in postings:
                norm = self._k1 * (1 - self._b + self._b * self._lengths[index] / avg)
                scores[index] = scores.get(index, 0.0) + idf * tf * (self._k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self._docs[index] for index, _ in best]
