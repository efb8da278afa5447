"""Grounded question answering over stored story sentences.

Pipeline: parse the question (answer type, anchor words) -> retrieve sentences with a
full-text query built from the anchors and their inflections -> measure how much of the
question each sentence supports (idf-weighted, with the previous sentence standing in for
"he"/"the group" and the source's title/outlet/date for "according to VOA on March 10") ->
cut typed candidates from well-supported sentences and score them by how closely they sit
to the anchors -> answer with the best one, leading with the newest source when sources
give different values, or say that the store does not know.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from lemminflect import getAllLemmas

from bot.domain import Answer, Citation, SentenceHit, Story
from bot.understand.attribution import NAMING, SPEECH, Frame, frames, is_speech
from bot.understand.extract import (
    Candidate,
    appositive_candidates,
    clause_candidates,
    complement_candidates,
    duration_candidates,
    elaboration_candidates,
    entity_candidates,
    gap_candidates,
    number_candidates,
    phrase_candidates,
    place_candidates,
    quote_candidates,
    time_candidates,
)
from bot.understand.gazetteer import default_gazetteer
from bot.understand.lexicon import (
    RECURRENCE,
    STOP,
    Token,
    derived_keys,
    inflections,
    is_gathering,
    keys,
    lemmas_of,
    phrase_at,
    phrase_synonyms,
    synonym_keys,
    synonyms,
    tokens,
)
from bot.understand.question import Kind, Question, mentioned_dates, parse_question
from bot.understand.retrieval import MemorySearch, build_query, fts_tokens
from bot.understand.wordnet import default_wordnet

__all__ = ["Hit", "SentenceSearch", "MemorySearch", "answer_question", "build_query"]

MIN_SUPPORT = 0.45  # share of the question's (idf-weighted) words a sentence must carry
SYNONYM = 0.7  # credit for a WordNet synonym instead of the question's own word
NEXT_EVENT = 0.9  # credit for "another meeting" / "meet again" standing in for "the next round"
RELATED = 0.5  # credit for a word one WordNet link away (derivation, hypernym, verb group)
SUPPORT_CLAUSE = 6.0  # for phrase answers the sentence choice matters more than the phrase's shape
RIVAL_SUPPORT = 0.1  # another source's value counts as a rival when its sentence is this nearly as good
RIVAL_SCORE = 1.5
PHRASE = 0.6  # bonus per pair of question words that also stand together in the sentence
MAX_GAP = 10  # a typed answer must sit this close (in words) to a word of the question
RETRIEVE = 25  # sentences fetched per question
_REPORTING = frozenset(
    ["said", "says", "reported", "reports", "told", "announced", "quoted", "wrote", "claimed", "added"]
)
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "his",
        "her",
        "their",
        "this",
        "that",
        "these",
        "those",
        "our",
        "your",
    ]
)
_AUXILIARIES = frozenset(["has", "have", "had", "was", "is", "were", "are", "will", "would"])
_ANAPHORS = frozenset(
    ["he", "she", "they", "it", "his", "her", "their", "its", "the", "group", "this", "that", "such", "these"]
)


Hit = SentenceHit
_ORDINAL_WORDS = frozenset(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "final"]
)
_NEGATION = re.compile(r"\b(?:not|never|no|nor|without)\b|n't\b", re.IGNORECASE)


@runtime_checkable
class SentenceSearch(Protocol):
    """Full-text search over story sentences.

    Optionally a search may also offer `frequency(terms) -> (sentences containing any term,
    all sentences)`; with it the answerer weighs rare question words above common ones.
    """

    def search(self, query: str, story: str | None, limit: int) -> list[Hit]:
        """Sentences matching the query words, best first (the store does this with SQLite FTS5 bm25)."""
        ...


@dataclass
class Scored:
    """A candidate answer with the sentence it came from, its score and the sentence's support."""

    hit: Hit
    candidate: Candidate
    score: float
    support: float


def answer_question(
    question: str, search: SentenceSearch, stories: Sequence[Story], story: str | None = None
) -> Answer:
    """Answer an editor's question from stored sentences, citing them, or say it does not know."""
    q = parse_question(question)
    scored = rank_candidates(q, search, story)
    if not scored:
        return _unknown(question, story)
    lead, earlier = _order_by_time(q, scored[0], scored)
    chosen_story = story or (lead.hit.stories[0] if lead.hit.stories else _guess_story(stories, question))
    return _reply(question, q, lead, earlier, chosen_story)


def rank_candidates(q: Question, search: SentenceSearch, story: str | None = None) -> list[Scored]:
    """Every typed answer candidate from well-supported sentences, best first (for answers and debugging)."""
    query = build_query(q.text)
    if not query:
        return []
    hits = search.search(query, story, RETRIEVE)
    weights = _weights(q, search)
    support_weight = SUPPORT_CLAUSE if q.kind is Kind.CLAUSE else 3.0
    q_negated = bool(_NEGATION.search(q.text)) if q.wh and q.kind is Kind.CLAUSE else None
    q_ordinals = {t.lower for t in tokens(q.text)} & _ORDINAL_WORDS
    rel_words = _relation_words(q) if q.relation else frozenset()
    scored: list[Scored] = []
    for rank, hit in enumerate(hits):
        support, anchors = _support(q, weights, hit)
        if support < MIN_SUPPORT:
            continue
        text = hit.sentence.text
        role = _speaker_alignment(q, hit) if q.subject and q.reported else 0.0
        role += PHRASE * _phrases(q, hit.sentence.text)
        if q_ordinals:
            here = {t.lower for t in tokens(text)} & _ORDINAL_WORDS
            if here and not here & q_ordinals:
                role -= 1.0  # "the third phase" is not what a sentence about the first phase says
        if q_negated is not None:
            negated = bool(_NEGATION.search(text))
            weight = 0.6 if q.reason else 0.3
            role += weight if negated == q_negated else -weight  # "Why will X not resign?"
        extra: list[Candidate] = []
        if q.kind is Kind.CLAUSE:
            toks = tokens(text)
            verbs = {
                a
                for a in anchors
                if _verbish(toks[a].lower) and (a == 0 or toks[a - 1].lower not in _DETERMINERS)
            }
            extra = gap_candidates(text, toks, verbs, verbs) + quote_candidates(text, toks)
            if q.subject and q.does:
                # "What did Israel do with ...?": the subject and what follows it is the deed
                subj = [a for a in anchors if any(keys(toks[a].lower) & keys(t.lower) for t in q.subject)]
                for g in gap_candidates(text, toks, subj, subj):
                    start = toks[g.first - 1].start if g.first > 0 else toks[g.first].start
                    deed = Candidate(text[start : toks[g.last].end], g.first, g.last, g.bonus, "deed")
                    extra.append(deed)
            if q.described:
                extra += appositive_candidates(text, toks, {k for t in q.described for k in keys(t.lower)})
            if q.reported and q.subject and not q.yes_no:
                extra += _frame_candidates(q, hit, toks)
            elif q.reported:
                speech = [i for i, t in enumerate(toks) if keys(t.lower) & _SPEECH_LEMMAS]
                extra += complement_candidates(text, toks, speech)
        if q.verb and not any(keys(t.lower) & (keys(q.verb) | synonym_keys(q.verb)) for t in tokens(text)):
            continue  # a yes/no question needs its event in the sentence
        if q.focus and re.search(rf"\b{re.escape(q.focus)}\s+of\b", q.text, re.I) and not _has_word(q.focus, text):
            continue  # "What was the outcome of X?" is answered only where an outcome (result) is stated
        if q.relation and not _relation_at(q, tokens(text), rel_words):
            continue  # "Who heads X?" needs a sentence that says someone heads (leads, chairs) something
        if q.relation and q.relation_object and not _mentions_object(q, hit):
            continue  # "Who led the delegation?" is not answered by who led a meeting
        if q.yes_no and _open_question(q, text):
            continue  # "declined to say whether the company would hire ...": not an answer either way
        if q.yes_no and _hedged(q, text):
            continue  # "the cabinet would approve" does not say that it did
        if q.kind is Kind.ENTITY and q.wh in {"who", "what", "which"}:
            toks = tokens(text)
            near = set(anchors)
            if q.target:  # "What deliveries ...?" <- "deliveries to the south, mainly of food, ..."
                near |= {i for i, t in enumerate(toks) if keys(t.lower) & keys(q.target)}
            extra += elaboration_candidates(text, toks, near)  # "... go free, mostly women"
        candidates = _candidates(q, text) + extra
        if q.described:
            candidates = [c for c in candidates if c.value == "appositive"]  # what the text says X is
        if q.kind is Kind.CLAUSE and q.focus:
            candidates = _about_focus(q.focus, text, candidates)
        for raw in candidates:
            cand = _trim(q, text, raw) if q.kind in {Kind.ENTITY, Kind.PLACE} else raw
            if cand is None:
                continue
            s = _score(q, text, cand, anchors)
            if s is None or (q.kind is Kind.NUMBER and cand.bonus <= -1.0):
                continue
            scored.append(Scored(hit, cand, support_weight * support + s + role - 0.01 * rank, support))
    scored.sort(key=lambda x: -x.score)
    return scored


def _unknown(question: str, story: str | None) -> Answer:
    return Answer(
        question=question,
        answer=None,
        text="I don't know: none of the stored sources I found supports an answer to that.",
        story=story,
        as_of=None,
    )


def _guess_story(stories: Sequence[Story], question: str) -> str | None:
    qwords = set(fts_tokens(question))
    best, best_n = None, 0
    for s in stories:
        n = len(qwords & set(fts_tokens(" ".join((s.title, s.description, *s.terms)))))
        if n > best_n:
            best, best_n = s.id, n
    return best


def _weights(q: Question, search: SentenceSearch) -> dict[int, float]:
    freq = getattr(search, "frequency", None)
    out: dict[int, float] = {}
    for i, tok in enumerate(q.content):
        if freq is None:
            out[i] = 1.0
            continue
        forms: Collection[str] = {f for part in fts_tokens(tok.text) for f in inflections(part)}
        df, n = freq(forms)
        out[i] = math.log(1 + (n - df + 0.5) / (df + 0.5)) if n else 1.0
    return out


_MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        1,
    )
    for name in names.split()
}


def _date_match(tok: Token, q: Question, published: datetime | None) -> bool | None:
    """For month names and days in the question: does the source's date agree? None if not a date word."""
    if tok.capitalised and tok.lower in _MONTH_NAMES and tok.lower != "may":
        return published is not None and published.month == _MONTH_NAMES[tok.lower]
    dates = mentioned_dates(q.text)
    if tok.text.isdigit() and any(d == int(tok.text) for _, d in dates):
        return published is not None and any(published.day == d and published.month == m for m, d in dates)
    return None


def _support(q: Question, weights: dict[int, float], hit: Hit) -> tuple[float, dict[int, float]]:
    """Share of the question's weight the sentence carries, and the sentence tokens that match it."""
    s_toks = tokens(hit.sentence.text)
    s_keys = [keys(t.lower) for t in s_toks]
    first_words = {t.lower for t in s_toks[:3]}
    first_words |= {  # "\"Victory is within reach,\" he said": he is named in the sentence before
        s_toks[i - 1].lower for i in range(1, len(s_toks)) if is_speech(s_toks[i].lower)
    } & _PRONOUNS
    before_keys: set[str] = set()
    if hit.before and first_words & _ANAPHORS:
        for t in tokens(hit.before):
            before_keys |= keys(t.lower)
    meta_keys: set[str] = set()
    for t in tokens(hit.sentence.article_title):
        meta_keys |= keys(t.lower)
    meta_words = set(fts_tokens(hit.sentence.source + " " + hit.sentence.article_url))
    total = got = 0.0
    anchors: dict[int, float] = {}
    coming = _announces_meeting(s_toks) if q.next_event else []
    next_words = {t.lower for t in q.next_event}
    for i, qt in enumerate(q.content):
        w = weights.get(i, 1.0)
        total += w
        if coming and qt.lower in next_words:
            # "the next round of talks" <- "Another meeting is planned ...", "would meet again"
            for j in coming:
                anchors[j] = max(anchors.get(j, 0.0), NEXT_EVENT * w)
            got += NEXT_EVENT * w
            continue
        qk = keys(qt.lower)
        found = [j for j, sk in enumerate(s_keys) if sk & qk]
        if not found and qt.text.isupper() and 2 <= len(qt.text) <= 5:
            found = _spelt_out(qt.text, s_toks)  # "the UN" <- "The United Nations"
        dm = None if found else _date_match(qt, q, hit.sentence.published)
        if dm is not None:
            got += w if dm else 0.0
            continue
        syn = [
            j
            for j, sk in enumerate(s_keys)
            if j not in found
            and (
                sk & synonym_keys(qt.lower)
                or (s_toks[j].lower not in STOP and qk & synonym_keys(s_toks[j].lower))
            )
        ]
        for j in syn:
            anchors[j] = max(anchors.get(j, 0.0), SYNONYM * w)
        if not found and not syn and is_speech(qt.lower) and "NOUN" not in getAllLemmas(qt.lower):
            # "speak to", "tell", "say": any verb of speech stands in for another
            syn = [j for j, t in enumerate(s_toks) if is_speech(t.lower)]
            for j in syn:
                anchors[j] = max(anchors.get(j, 0.0), SYNONYM * w)
        if not found and not syn and qt.lower not in STOP:
            # "extinguish" <- "snuff out", "close" <- "shut down": a multiword synonym in the text
            words = [t.lower for t in s_toks]
            for phrase in phrase_synonyms(qt.lower):
                syn = phrase_at(phrase, words)
                if syn:
                    break
            for j in syn:
                anchors[j] = max(anchors.get(j, 0.0), SYNONYM * w)
        rel: list[int] = []
        if not found and not syn and qt.lower not in STOP:
            # "operator" for "operates", "building" for "construction": a weaker paraphrase
            rk = derived_keys(qt.lower)
            rel = [
                j
                for j, sk in enumerate(s_toks)
                if s_toks[j].lower not in STOP and (s_keys[j] & rk or qk & derived_keys(s_toks[j].lower))
            ]
            for j in rel:
                anchors[j] = max(anchors.get(j, 0.0), RELATED * w)
        if found:
            for j in found:
                anchors[j] = max(anchors.get(j, 0.0), w)
            got += w
        elif qk & before_keys:
            got += 0.8 * w
        elif syn:
            got += SYNONYM * w
        elif rel:
            got += RELATED * w
        elif qk & meta_keys or any(m.startswith(qt.lower) for m in meta_words if len(qt.lower) >= 3):
            got += 0.6 * w
    return (got / total if total else 0.0), anchors


def _spelt_out(acronym: str, toks: list[Token]) -> list[int]:
    """Positions of a run of capitalised words whose initials spell the acronym ("United Nations")."""
    n = len(acronym)
    for i in range(len(toks) - n + 1):
        run = toks[i : i + n]
        if all(t.capitalised for t in run) and "".join(t.text[0] for t in run) == acronym:
            return list(range(i, i + n))
    return []


def _candidates(q: Question, text: str) -> list[Candidate]:
    toks = tokens(text)
    if q.kind is Kind.ENTITY:
        found = entity_candidates(text, toks, q.plural)
        if q.relation and not q.object_of and not q.target:
            # "Who is covering emergency care?" <- "... is being covered by senior consultants"
            want = _relation_words(q)
            at = [i for i, t in enumerate(toks) if keys(t.lower) & want]
            phrases = []
            for c in phrase_candidates(text, toks):
                cut = next((v for v in at if c.first < v <= c.last), None)
                if cut is not None:  # "the harbour master ordered": the chunker ran into the verb
                    c = Candidate(text[toks[c.first].start : toks[cut - 1].end], c.first, cut - 1, c.bonus, c.value)
                phrases.append(c)
            found += [
                c
                for c in phrases
                if c.first > 0
                and (
                    (toks[c.first - 1].lower == "by" and any(0 < c.first - 1 - v <= 2 for v in at))
                    or any(v == c.last + 1 for v in at)  # "after the harbour master ordered ..."
                )
                and not any(t.capitalised for t in toks[c.first : c.last + 1])  # names are candidates already
                and any("person" in _above(t.lower) for t in toks[c.first : c.last + 1])
            ]
        if q.object_of and q.relation:
            verbs = _object_verbs(q, toks)
            found += [
                c
                for c in phrase_candidates(text, toks)
                if any(v < c.first <= v + 3 for v in verbs)
                and any("person" in _above(t.lower) for t in toks[c.first : c.last + 1])
            ]
        if q.target and _target_class(q.target) != "person":
            found += phrase_candidates(text, toks)
        elif q.target:
            found += [c for c in phrase_candidates(text, toks) if _slot_fit(q, text, toks, c) > 0]
        return found
    if q.kind is Kind.PLACE:
        found = place_candidates(text, toks)
        for c in phrase_candidates(text, toks):
            # "in the town hall", "at the border crossing": an unnamed place, below a named one
            p = c.first - 1
            of_name = c.last + 1 < len(toks) and toks[c.last + 1].lower == "of"  # "the offices of X": X
            if p >= 0 and toks[p].lower in {"in", "at"} and not of_name and _above(toks[c.last].lower) & _SITES:
                found.append(Candidate(text[toks[p].start : toks[c.last].end], p, c.last, 0.2, "np"))
        return found
    if q.kind is Kind.TIME:
        return time_candidates(text, toks)
    if q.kind is Kind.NUMBER:
        target_keys = (lemmas_of(q.target) | synonyms(q.target)) if q.target else frozenset()
        if q.target and _above(q.target) & _MONEY:
            # "How much money ...?" is counted in dollars, euros, pounds: any monetary unit
            units = {t.lower for t in toks if t.lower.isalpha() and "monetary_unit" in _above(t.lower)}
            target_keys = target_keys | {lemma for u in units for lemma in lemmas_of(u)}
        return number_candidates(text, toks, q.target, target_keys)
    if q.kind is Kind.DURATION:
        return duration_candidates(text, toks)
    return clause_candidates(text, toks)


_ELAB = "elaboration"
_MONEY = frozenset(["money", "medium_of_exchange", "assets", "funds"])
_SITES = frozenset(["location", "structure", "building", "facility", "area", "region"])
_ORG = frozenset(["organization", "organisation", "social_group", "group"])
_QUANTITY = frozenset(["quantitative_relation", "measure", "magnitude", "amount"])
_TITLE_WORDS = frozenset(["such", "including", "like", "namely", "especially"])


def _noun_lemma(word: str) -> str:
    """The singular of a noun; for words lemminflect does not know, a plural WordNet knows the singular of."""
    w = word.lower()
    lemmas = getAllLemmas(w).get("NOUN")
    if lemmas:
        return lemmas[0].lower()
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2 and default_wordnet().senses(w[: -len(suffix)] + repl):
            return w[: -len(suffix)] + repl
    return w


def _above(word: str) -> frozenset[str]:
    lemma = _noun_lemma(word)
    return default_wordnet().hypernyms(lemma) | {lemma}


def _object_verbs(q: Question, toks: list[Token]) -> list[int]:
    """Positions of the question's verb in a sentence where the question's subject comes before it."""
    subj: set[str] = set()
    for t in q.content:
        if t.capitalised:
            subj |= keys(t.lower)
    want = _relation_words(q)
    out = []
    for v, t in enumerate(toks):
        if keys(t.lower) & want and any(keys(x.lower) & subj for x in toks[:v]):
            out.append(v)
    return out


def _target_class(target: str) -> str:
    """What kind of thing "which TARGET" asks for: person, org, place, quantity or other (WordNet)."""
    lemma = _noun_lemma(target)
    above = default_wordnet().hypernyms(lemma) | {lemma}
    if "person" in above:
        return "person"
    if "location" in above:
        return "place"
    if above & _ORG:
        return "org"
    if above & _QUANTITY:
        return "quantity"
    return "other"


def _is_kind_of(word: str, target: str) -> bool:
    """True when `word` is the asked noun or, by WordNet, a kind of it ("missile" of "weapon")."""
    if keys(word) & keys(target):
        return True
    if word.lower() in STOP or not word.isalpha():
        return False
    return _noun_lemma(target) in default_wordnet().hypernyms(_noun_lemma(word))


def _slot_fit(q: Question, text: str, toks: list[Token], cand: Candidate) -> float:
    """How well a candidate fills "which/what TARGET": +1 when it is (or is named as) a TARGET.

    "the Lebanese outlet Al-Akhbar", "weapons such as the Iron Dome missile interceptors",
    "elderly hostages" and a quoted show title fit; a bare place for a person slot does not.
    """
    target = q.target or ""
    cls = _target_class(target)
    span = toks[cand.first : cand.last + 1]
    if cand.value in {"np", "nplist"}:
        # "other ports" names no particular port: something besides the asked noun must be said
        qkeys = {k for t in q.content for k in keys(t.lower)} | keys(target)
        if not any(t.lower not in STOP and not keys(t.lower) & qkeys for t in span):
            return -1.0
    if any(_is_kind_of(t.lower, target) for t in span if not t.capitalised or cand.value in {"np", "nplist"}):
        return 1.0
    k = cand.first - 1
    while k >= 0 and text[toks[k].end : toks[k + 1].start] in {" ", "-"} and toks[k].capitalised:
        k -= 1  # title words before the name
    if k >= 0 and text[toks[k].end : toks[k + 1].start] in {" ", "-"}:
        if toks[k].lower == "as" and k >= 1 and toks[k - 1].lower == "such":
            k -= 2  # "weapons such as the Iron Dome ..."
        elif toks[k].lower in {"including", "like", "namely"}:
            k -= 1
        if k >= 0 and _is_kind_of(toks[k].lower, target):
            return 1.0  # "the Lebanese outlet Al-Akhbar", "the newspaper Diario Central"
    after = toks[cand.last + 1 : cand.last + 5]
    appositive = bool(after) and text[toks[cand.last].end : after[0].start].startswith(",")
    if appositive and after[0].lower in {"a", "an", "the"} and any(
        _is_kind_of(t.lower, target) for t in after if not t.capitalised
    ):
        return 1.0  # "Al-Akhbar, a Lebanese outlet"
    if k >= 0 and not toks[k].capitalised and toks[k].lower not in STOP and cls in {"person", "org"}:
        # "mediator Agnes Boyle" is a person, "the newspaper Costa Hoje" an organisation
        desc = _target_class(toks[k].lower) if "NOUN" in getAllLemmas(toks[k].lower) else "other"
        if desc in {"person", "org"} and desc != cls:
            return -1.0
        if desc == cls == "org":
            return 0.8  # "the firm Castor & Webb" for "which company": another word for the same kind
    name = text[toks[cand.first].start : toks[cand.last].end]
    if cand.value == "title" and cls == "other":
        return 0.8
    members = [m for m in re.split(r",\s*|\s+(?:and|or)\s+", name) if m.strip()] if cand.value == "list" else [name]
    if cand.value not in {"np", "nplist"} and all(
        default_gazetteer().is_place(re.sub(r"^the\s+", "", m.strip(), flags=re.I)) for m in members
    ):
        return 1.0 if cls == "place" else -1.0 if cls == "person" else 0.0
    if cand.value in {"np", "nplist"}:
        return -1.0
    gap = text[toks[cand.first - 1].end : toks[cand.first].start] if cand.first > 0 else ""
    if "," in gap:
        # "The engineering firm that built the barrier, Haldor Consult,": a name in apposition
        k = cand.first - 1
        while k >= 0 and not re.search(r"[,;:]", text[toks[k].end : toks[k + 1].start] if k + 1 < cand.first else ""):
            if not toks[k].capitalised and _is_kind_of(toks[k].lower, target):
                return 1.0
            k -= 1
    return 0.0


_SUBORDINATORS = frozenset(["after", "because", "when", "while", "that", "which", "who", "before", "since", "if"])


def _subject_fit(q: Question, text: str, toks: list[Token], cand: Candidate) -> float:
    """"Which official skipped X and sent a deputy?" asks for the subject of the question's verbs.

    +0.8 for the nearest name before one of those verbs in its clause ("Alon chose to stay behind
    and sent a deputy"), -0.4 for a name standing only after them (unless "by X" names the agent).
    """
    want: set[str] = set()
    for e in q.events:
        want |= keys(e) | synonym_keys(e)
    verbs = [i for i, t in enumerate(toks) if keys(t.lower) & want]
    if not verbs:
        return 0.0
    prev = cand.first - 1
    named = prev > 0 and toks[prev - 1].capitalised and (prev > 1 or not getAllLemmas(toks[0].lower))
    if named and toks[prev].lower in {"of", "from"}:
        return -0.4  # "Mayor Tomas Keller of Brenna criticised ...": the place qualifies the name
    for v in verbs:
        k = v - 1
        while k > cand.last and toks[k].lower not in _SUBORDINATORS and not toks[k].capitalised:
            k -= 1
        j = k
        while j > cand.last and toks[j].capitalised:
            j -= 1
        if cand.last < j < k and toks[j].lower in {"of", "from"} and j - 1 == cand.last:
            k = cand.last  # "Tomas Keller of Brenna criticised": Keller is the subject
        if k == cand.last and v - cand.last <= 12:
            return 0.8
    if cand.first > max(verbs) and not (cand.first > 0 and toks[cand.first - 1].lower == "by"):
        return -0.4
    return 0.0


def _role_fit(q: Question, text: str, toks: list[Token], cand: Candidate) -> float:
    """Whether the description bound to a name is the role the question asks about.

    "Who heads UNRWA?": in "Mossad chief David Barnea" the title belongs to another
    organisation (-1); "Philippe Lazzarini, who heads the agency," carries the asked relation in
    its relative clause (+0.8); "Mossad chief David Barnea" answers "Who is the head of Mossad?" (+0.6).
    """
    qnames: set[str] = set()
    for t in q.content:
        if t.capitalised:
            qnames |= keys(t.lower)
    run: list[Token] = []
    k = cand.first - 1
    while k >= 0 and text[toks[k].end : toks[k + 1].start] == " " and (
        toks[k].capitalised or toks[k].lower not in STOP
    ):
        run.insert(0, toks[k])
        k -= 1
    score = 0.0
    caps = [t for t in run if t.capitalised]
    if qnames and caps:
        if any(keys(t.lower) & qnames for t in caps):
            score += 0.6
        elif any(not t.capitalised for t in run):
            score -= 1.0  # a title of some other organisation ("Shin Bet head ...")
    tail = text[toks[cand.last].end :]
    m = re.match(r",\s+(?:who|which)\s+([^,;]+)", tail)
    if m and _has_word(q.relation or "", m.group(1)):
        score += 0.8
    return score


def _trim(q: Question, text: str, cand: Candidate) -> Candidate | None:
    """Drop the question's own words from the edges of a name ("MSNBC's Jonathan Capehart")."""
    if cand.value == "title":
        return cand  # a quoted title is kept whole
    toks = tokens(text)
    qkeys: set[str] = set()
    for t in q.content:
        qkeys |= keys(t.lower)
    first, last = cand.first, cand.last
    while first <= last and (keys(toks[first].lower) & qkeys or toks[first].lower in STOP):
        first += 1
    while last >= first and keys(toks[last].lower) & qkeys:
        last -= 1
    if first > last:
        return None
    if (first, last) == (cand.first, cand.last):
        return cand
    if q.kind is Kind.ENTITY and cand.value != "list" and last < cand.last:
        if q.target and _target_class(q.target) == "org":
            return cand  # "Bluewave Ferries" for "Which company runs the ferries?": the name is whole
        return None  # "Prime Minister Benjamin [Netanyahu]": the rest of a name the question gave
    if cand.value == "title":
        return cand
    keep_prep = q.kind is Kind.PLACE and all(t.lower in STOP for t in toks[cand.first : first])
    start = toks[cand.first].start if keep_prep else toks[first].start
    return Candidate(text[start : toks[last].end], first, last, cand.bonus, cand.value)


_SPEECH_LEMMAS = SPEECH | {"quote"}  # verbs of saying, and "quoted" for reported speech
_PRONOUNS = frozenset(["he", "she", "they", "it"])


def _speaker_alignment(q: Question, hit: Hit) -> float:
    """+1 when the question's speaker stands next to a speech verb of the sentence, -1 when not.

    "What did Hamas say about Rafah?" is answered by what Hamas said, not by a sentence in which
    Netanyahu says something about Hamas: the roles must line up, not just the words.
    """
    toks = tokens(hit.sentence.text)
    subj_keys: set[str] = set()
    for t in q.subject:
        subj_keys |= keys(t.lower)
    for v, tok in enumerate(toks):
        if not keys(tok.lower) & _SPEECH_LEMMAS:
            continue
        k = v - 1
        while k >= 0 and toks[k].lower in {"also", "has", "have", "had", "was", "is", "reportedly", "then"}:
            k -= 1
        if k >= 0 and toks[k].lower in _PRONOUNS:
            # "he said": the speaker is the subject named earlier in this sentence, or else the
            # subject of the sentence before
            here = [t for t in toks[:k] if t.capitalised and t.lower not in STOP]
            referent = here[:1] if here else [t for t in tokens(hit.before or "")[:6] if t.capitalised][:2]
            if any(keys(t.lower) & subj_keys for t in referent):
                return 0.8
            continue
        zone = toks[max(0, v - 4) : v]  # "Hamdan said", "a senior Hamas leader as warning"
        if v + 1 < len(toks) and toks[v + 1].lower not in {"that", "on", "in", "of", "to"}:
            zone += toks[v + 1 : v + 4]  # "..., said Hamdan"
        if any(keys(t.lower) & subj_keys for t in zone):
            return 1.0
    return -1.0


def _subject_keys(q: Question) -> set[str]:
    out: set[str] = set()
    for t in q.subject:
        out |= keys(t.lower)
    return out


def _speaker_match(q: Question, hit: Hit, toks: list[Token], frame: Frame) -> float:
    """1 when the frame's speaker is the question's subject, 0.8 through a pronoun, -1 when someone else."""
    subj = _subject_keys(q)
    if frame.speaker is not None:
        a, b = frame.speaker
        return 1.0 if any(keys(t.lower) & subj for t in toks[a : b + 1]) else -1.0
    if frame.pronoun:
        earlier = toks[: frame.verb] + tokens(hit.before or "") + tokens(hit.sentence.article_title)
        return 0.8 if any(t.capitalised and keys(t.lower) & subj for t in earlier) else -0.3
    return 0.0


def _frame_candidates(q: Question, hit: Hit, toks: list[Token]) -> list[Candidate]:
    """What the question's speaker said, from the sentence's attribution frames.

    "What did Blinken say about the gaps?" is answered by a frame whose speaker is Blinken (or
    "he", Blinken being named just before); "How did X describe Y?" by the description in a
    frame whose described thing shares the question's topic words.
    """
    text = hit.sentence.text
    subj = _subject_keys(q)
    naming = any(lemmas_of(t.lower) & NAMING for t in tokens(q.text))
    topic: set[str] = set()
    for t in q.content:
        if not keys(t.lower) & subj and not is_speech(t.lower):
            topic |= keys(t.lower)
    out: list[Candidate] = []
    for f in frames(text, toks):
        match = _speaker_match(q, hit, toks, f)
        bonus = 0.6 + 1.2 * match + (0.4 if f.quoted else 0.0)
        if naming and f.described is not None:
            a, b = f.described
            if any(keys(t.lower) & topic for t in toks[a : b + 1]):
                bonus += 0.8
        a, b = f.content
        value = "quote" if f.quoted else "said"
        out.append(Candidate(text[toks[a].start : toks[b].end], a, b, bonus, value))
        # "What did X say would bring the hostages home?": what was said, less the question's words
        inside = [i for i in range(a, b + 1) if keys(toks[i].lower) & topic and toks[i].lower not in STOP]
        if inside and not f.quoted:
            pre_end = inside[0] - 1
            while pre_end >= a and toks[pre_end].lower in _AUXILIARIES | {"could", "can", "might", "may"}:
                pre_end -= 1
            if pre_end >= a and inside[0] > a and inside[-1] >= b - 1 and len(inside) >= 2:
                out.append(Candidate(text[toks[a].start : toks[pre_end].end], a, pre_end, bonus, value))
            if inside[-1] < b and inside[0] <= a + 1 and len(inside) >= 2 and inside[-1] - a <= 4:
                c = inside[-1] + 1
                out.append(Candidate(text[toks[c].start : toks[b].end], c, b, bonus, value))
    return out


def _about_focus(focus: str, text: str, candidates: list[Candidate]) -> list[Candidate]:
    """When the sentence names the asked-about noun, only what follows it can say what it is.

    "What were the demands ...?" against "... because of Hamas's demands." leaves nothing: the
    sentence mentions the demands but not their content. Sentences without the noun are kept.
    """
    toks = tokens(text)
    fk = keys(focus)
    at = [i for i, t in enumerate(toks) if keys(t.lower) & fk]
    if not at:
        return candidates
    links = {"of", "for", "to", "include", "included", "including", "are", "were", "is", "was", "be"}
    starts = set()
    for i in at:
        gap = text[toks[i].end : toks[i + 1].start] if i + 1 < len(toks) else ""
        if i + 1 < len(toks) and (":" in gap or "," in gap):
            starts.add(i + 1)  # "the demands: ..." / "the demands, a ceasefire and ..."
        k = i + 1
        while k < len(toks) and toks[k].lower in links:
            k += 1
        if k > i + 1:
            starts.add(k)  # "the demands are ...", "demands for ..."
    return [c for c in candidates if c.first in starts or c.first - 1 in starts]


_HEDGES = frozenset(
    [
        "would",
        "will",
        "could",
        "may",
        "might",
        "should",
        "shall",
        "to",
        "expected",
        "plans",
        "planned",
        "set",
    ]
)


def _open_question(q: Question, text: str) -> bool:
    """True when the question's words sit inside an embedded question ("whether ...", "if ...")."""
    m = re.search(r"\b(?:whether|if)\b", text, re.IGNORECASE)
    if not m:
        return False
    qkeys = {k for t in q.content for k in keys(t.lower)}
    after = [t for t in tokens(text[m.end() :]) if keys(t.lower) & qkeys]
    before = [t for t in tokens(text[: m.start()]) if keys(t.lower) & qkeys and not t.capitalised]
    return len(after) >= 2 and len(after) > len(before)


def _hedged(q: Question, text: str) -> bool:
    """True when the question's verb appears in the sentence only as an intention or possibility."""
    toks = tokens(text)
    want = keys(q.verb) | synonym_keys(q.verb) if q.verb else frozenset()
    verbs = [i for i, t in enumerate(toks) if keys(t.lower) & want]
    return bool(verbs) and all(any(t.lower in _HEDGES for t in toks[max(0, a - 2) : a]) for a in verbs)


def _has_word(word: str, text: str) -> bool:
    """True when the sentence has the word, a form or derivation of it, or a WordNet synonym."""
    want = keys(word) | synonym_keys(word)
    return any(keys(t.lower) & want for t in tokens(text))


def _relation_at(q: Question, toks: list[Token], want: frozenset[str]) -> list[int]:
    """Positions of the relation word (a form, synonym or multiword synonym: "look into")."""
    at = [i for i, t in enumerate(toks) if keys(t.lower) & want]
    if not at and q.relation:
        words = [t.lower for t in toks]
        for phrase in phrase_synonyms(q.relation):
            at = phrase_at(phrase, words)
            if at:
                break
    return at


def _relation_words(q: Question) -> frozenset[str]:
    """Keys of the question's relation word and its synonyms; for a verb of speech ("Who did X
    speak to?") any verb of speech, since "told", "said to" and "spoke to" name one relation."""
    rel = q.relation or ""
    out = keys(rel) | synonym_keys(rel)
    if rel and is_speech(rel) and "NOUN" not in getAllLemmas(rel):
        out |= {k for lemma in _SPEECH_LEMMAS for k in keys(lemma)}
    return out


def _announces_meeting(toks: list[Token]) -> list[int]:
    """Positions of the recurrence and meeting words when a sentence announces another meeting
    ("Another meeting is planned for Monday", "the two sides would meet again on Thursday",
    "talks will resume"): the recurrence word must bind the meeting word, and the sentence
    must speak of the future (a plan, "will", "would"), not of a meeting that took place."""
    if not any(t.lower in _HEDGES | {"scheduled", "due"} for t in toks):
        return []
    found: set[int] = set()
    for m, t in enumerate(toks):
        if t.lower in STOP or not is_gathering(t.lower):
            continue
        for a in range(max(0, m - 3), m):  # "another meeting", "a new round of talks"
            between = toks[a + 1 : m]
            if toks[a].lower in RECURRENCE and all(
                x.lower == "of" or (x.lower not in STOP and not x.capitalised) for x in between
            ):
                found |= {a, m}
        for a in range(m + 1, min(len(toks), m + 3)):  # "meet again", "talks will resume"
            if toks[a].lower in RECURRENCE - {"new", "next", "another", "more", "fresh", "upcoming"}:
                found |= {a, m}
    return sorted(found)


def _mentions_object(q: Question, hit: Hit) -> bool:
    """True when the sentence (or, through "the agency", its predecessor or title) names the head
    of the phrase the question's relation governs: the delegation, the Northern Front."""
    head = q.relation_object[-1].lower
    if _has_word(head, hit.sentence.text):
        return True
    toks = tokens(hit.sentence.text)
    opens_with_anaphor = bool(toks) and (toks[0].lower in _ANAPHORS or (len(toks) > 1 and toks[1].lower in _PRONOUNS))
    if opens_with_anaphor and _has_word(head, hit.before or ""):
        return True
    # "Philippe Lazzarini, who heads the agency,": a definite description standing for a name
    # given in the headline or the sentence before
    want = keys(q.relation or "") | synonym_keys(q.relation or "")
    described = any(
        keys(t.lower) & want and i + 2 < len(toks) and toks[i + 1].lower == "the" and not toks[i + 2].capitalised
        for i, t in enumerate(toks)
    ) or any(
        toks[i].lower == "the" and toks[i + 1].lower.endswith("'s") and keys(toks[i + 2].lower) & want
        for i in range(len(toks) - 2)
    )  # "The agency's head, ..."
    context = " ".join((hit.before or "", hit.sentence.article_title))
    return described and q.relation_object[-1].capitalised and _has_word(head, context)


def _phrases(q: Question, text: str) -> int:
    """How many pairs of neighbouring question words stand side by side in the sentence too."""
    toks = tokens(text)
    words = [t for t in tokens(q.text) if t.lower not in STOP]
    pairs = {(words[i].lower, words[i + 1].lower) for i in range(len(words) - 1)}
    found = 0
    for a, b in pairs:
        ka, kb = keys(a), keys(b)
        if any(keys(toks[i].lower) & ka and keys(toks[i + 1].lower) & kb for i in range(len(toks) - 1)):
            found += 1
    return found


def _verbish(word: str) -> bool:
    return "VERB" in getAllLemmas(word)


def _score(q: Question, text: str, cand: Candidate, anchors: dict[int, float]) -> float | None:
    """How well a candidate fills the question's gap; None when it cannot be the answer."""
    toks = tokens(text)
    span = toks[cand.first : cand.last + 1]
    qkeys: set[str] = set()
    for t in q.content:
        qkeys |= keys(t.lower)
    content = [t for t in span if t.lower not in STOP]
    inq = [t for t in content if keys(t.lower) & qkeys]
    new = len(content) - len(inq)
    if q.kind is not Kind.CLAUSE and new == 0 and q.kind is not Kind.NUMBER:
        return None
    if q.kind is Kind.NUMBER and cand.value in {t.lower for t in tokens(q.text)}:
        return None  # the question's own number ("October 7")
    outside = [a for a in anchors if a < cand.first or a > cand.last]
    if outside:
        near = min((cand.first - a if a < cand.first else a - cand.last) for a in outside)
        mean = sum(anchors[a] * (cand.first - a if a < cand.first else a - cand.last) for a in outside) / sum(
            anchors[a] for a in outside
        )
        proximity = 0.6 / (1.0 + near / 4.0) + 0.6 / (1.0 + mean / 6.0)
    else:
        proximity, near = 0.0, 99
    if q.kind in {Kind.ENTITY, Kind.PLACE, Kind.TIME, Kind.NUMBER} and near > MAX_GAP and cand.value != _ELAB:
        return None  # not connected to anything the question mentions (an elaboration is, by its comma)
    score = cand.bonus + proximity
    if (
        q.kind in {Kind.ENTITY, Kind.PLACE}
        and cand.last + 1 in anchors
        and not toks[cand.last + 1].capitalised
    ):
        score -= 0.5  # "Shin Bet head ...": the name modifies the question's noun, it is not the answer
    name = text[toks[cand.first].start : toks[cand.last].end]
    if q.kind is Kind.PLACE and default_gazetteer().is_place(name):
        score += 0.5  # a known city or country
    if q.kind is Kind.ENTITY and not q.plural and default_gazetteer().is_city(name):
        score -= 0.6  # a city rarely did or said anything
    if q.kind is Kind.ENTITY and q.relation and cand.value not in {"np", "nplist", "title"}:
        at = _relation_at(q, toks, _relation_words(q))
        if at and min(abs(i - cand.first) if i < cand.first else abs(i - cand.last) for i in at) > 4:
            return None  # "Who heads X?": the name must stand by the word that says who heads what
        titles = [i for i in at if toks[i].capitalised and i + 1 < len(toks) and toks[i + 1].capitalised]
        if at and len(titles) == len(at) and not any(i < cand.first <= i + 3 for i in titles):
            return None  # "CIA Director William Burns": the title belongs to the name after it
        score += _role_fit(q, text, toks, cand)
    if q.kind is Kind.ENTITY and q.events and not q.object_of and cand.value not in {"np", "nplist", "title", _ELAB}:
        score += _subject_fit(q, text, toks, cand)
    if q.kind is Kind.ENTITY and q.object_of:
        verbs = _object_verbs(q, toks)
        if any(v < cand.first <= v + 4 for v in verbs):
            score += 1.2  # "Lapid ... met French President Emmanuel Macron": the one met
        elif any(cand.last < v for v in verbs):
            score -= 0.8  # the one who did the meeting
    if q.kind is Kind.ENTITY and q.target:
        fit = _slot_fit(q, text, toks, cand)
        if fit < 0 and (cand.value in {"np", "nplist"} or _target_class(q.target) in {"person", "org"}):
            return None  # a place or a person cannot be the organisation asked for, and so on
        if q.name_of and (fit <= 0 or cand.value in {"np", "nplist"}):
            return None  # a name must be given as the name of what was asked about
        if fit <= 0 and _target_class(q.target) == "place":
            return None  # nothing here is the kind of place asked for
        score += fit
        if cand.value in {"np", "nplist"} and _target_class(q.target) in {"person", "org", "place"}:
            score -= 0.8  # such things are usually named: a description is the fallback
    if (
        q.kind is Kind.ENTITY
        and cand.value not in {"title", "list", "np", "nplist", _ELAB}
        and all(getAllLemmas(t.lower) for t in span)
        and not default_gazetteer().is_place(name)
    ):
        score -= 0.8  # "Prime Minister", "White House": capitalised common words, not a name
    if q.kind is Kind.ENTITY:
        nxt = toks[cand.last + 1] if cand.last + 1 < len(toks) else None
        gap = text[toks[cand.last].end : nxt.start] if nxt else ""
        if (
            nxt is not None
            and gap == " "
            and not nxt.capitalised
            and nxt.lower not in STOP
            and not _verbish(nxt.lower)
            and cand.value not in {"np", "nplist", "title", _ELAB}
        ):
            score -= 0.6  # "Israeli team", "the Sorrel Islands ferry strike": a name used as a modifier
        prev = [t.lower for t in toks[max(0, cand.first - 2) : cand.first]]
        if prev[-1:] == ["by"] and cand.first - 2 in anchors:
            score += 0.6  # "led by X": X is the agent the question asks for
        if q.speaker and ((nxt is not None and nxt.lower in _REPORTING) or prev == ["according", "to"]):
            score += 0.8  # "X said ...", "according to X": X is the source the question asks for
        verb_at = cand.last + 2 if nxt is not None and nxt.lower in _AUXILIARIES else cand.last + 1
        if verb_at in anchors and verb_at < len(toks) and _verbish(toks[verb_at].lower):
            score += 0.7  # "X skipped ...": X is the subject of the question's verb
    if q.kind is Kind.CLAUSE:
        if new == 0:
            return None
        n = len(span)
        score += min(new, 4) * 0.15 - (0.5 if new < 2 and cand.value != "quote" else 0.0)
        if q.reported and q.subject:
            # "What did Blinken say about the gaps?": the topic belongs in the answer, the speaker not
            subj = {k for t in q.subject for k in keys(t.lower)}
            topic = [t for t in inq if not keys(t.lower) & subj and not keys(t.lower) & _SPEECH_LEMMAS]
            # ... but "How did Blinken describe X?" wants what X was called, not X again
            sign = -1.0 if any(lemmas_of(t.lower) & NAMING for t in tokens(q.text)) else 1.0
            score += sign * min(len(topic), 2) * 0.3 - 0.6 * (len(inq) - len(topic)) / max(len(content), 1)
        elif q.yes_no:
            if not inq:
                return None  # only a clause that restates the question confirms or denies it
            score += 0.3 * min(len(inq), 2)
        elif cand.value != "quote":
            score -= 0.6 * (len(inq) / max(len(content), 1))
        score -= 0.08 * max(0, n - 14)
        score -= 0.3 if n < 2 else 0.0
        lead = cand.value
        if q.reported and (lead in {"that", "saying", "said", "says", "warning", "adding"} or cand.bonus > 0):
            score += 0.5
        as_condition = toks[cand.first].lower in {"long", "well", "soon", "much", "far"} and (
            lead == "as" or (cand.first > 0 and toks[cand.first - 1].lower == "as")
        )
        if q.reason and as_condition:
            score -= 0.8  # "as long as ..." is a condition, not a reason
        if q.reason and lead in {"because", "since", "due", "saying", "as", "amid", "after", "citing"} and not (
            as_condition
        ):
            score += 0.8
        if q.reason and lead == "to":
            score += 0.3
    else:
        score -= 0.8 * (len(inq) / max(len(content), 1))
    return score


def _order_by_time(q: Question, best: Scored, scored: list[Scored]) -> tuple[Scored, list[Scored]]:
    """When other well-supported sources give another value, lead with the newest, keep the rest.

    One candidate per article (its best); a rival must come from a sentence nearly as well
    supported as the best one and, for counts, count the same thing.
    """
    if q.kind is Kind.CLAUSE:
        return best, []
    per_article: dict[int, Scored] = {best.hit.sentence.article_id: best}
    for s in scored[1:]:
        if s.hit.sentence.article_id in per_article:
            continue
        margin = RIVAL_SCORE if q.kind in {Kind.NUMBER, Kind.TIME, Kind.DURATION} else RIVAL_SCORE / 3
        if s.support < best.support - RIVAL_SUPPORT or s.score < best.score - margin:
            continue  # names and places change less often than counts: a rival must be as good
        if q.kind is Kind.NUMBER and s.candidate.bonus < 1.0:
            continue  # counts something else
        per_article[s.hit.sentence.article_id] = s
    group = [g for g in per_article.values() if g is best or _value(g) != _value(best)]
    if len(group) == 1:
        return best, []
    seen: set[str] = set()
    distinct = []
    for g in sorted(group, key=lambda g: g.hit.sentence.published or datetime.min, reverse=True):
        if _value(g) not in seen:
            seen.add(_value(g))
            distinct.append(g)
    return distinct[0], distinct[1:3]


def _value(s: Scored) -> str:
    return s.candidate.value or s.candidate.text.lower()


def _cite(hit: Hit) -> Citation:
    s = hit.sentence
    return Citation(
        title=s.article_title, url=s.article_url, source=s.source, published=s.published, sentence=s.text
    )


def _when(published: datetime | None) -> str:
    return published.strftime("%-d %b %Y") if published else "undated"


def _short(q: Question, cand: Candidate) -> str:
    text = re.sub(r"^[\"“”'(\s]+|[\"“”')\s.,;:]+$", "", cand.text)
    text = text.replace("“", "").replace("”", "").replace('"', "")
    if q.yes_no:
        negated = re.search(r"\b(?:no|not|never|without|nor)\b|n't\b", text, re.IGNORECASE)
        return ("No: " if negated else "Yes: ") + text
    return text


def _reply(question: str, q: Question, lead: Scored, earlier: list[Scored], story: str | None) -> Answer:
    short = _short(q, lead.candidate)
    s = lead.hit.sentence
    lines = [
        f"{short}.",
        f"\u201c{s.text}\u201d",
        f"\u2014 {s.article_title or s.source} ({s.source}), "
        f"{_when(s.published)}" + (f" {s.article_url}" if s.article_url else ""),
    ]
    cites = [_cite(lead.hit)]
    for e in earlier:
        es = e.hit.sentence
        newer = (es.published or datetime.min) > (s.published or datetime.min)
        same_day = es.published == s.published
        which = "A newer" if newer else "Another" if same_day else "An earlier"
        lines.append(
            f"{which} source said {_short(q, e.candidate)}: "
            f"\u201c{es.text}\u201d \u2014 {es.article_title or es.source} ({es.source}), "
            f"{_when(es.published)}"
        )
        cites.append(_cite(e.hit))
    dates = [c.published for c in cites if c.published]
    as_of = max(dates) if dates else None
    lines.append(f"As of {_when(as_of)}." if as_of else "Sources undated.")
    return Answer(
        question=question,
        answer=short,
        text="\n".join(lines),
        story=story,
        as_of=as_of,
        citations=tuple(cites),
    )
