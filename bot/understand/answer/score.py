"""Score typed candidates: sentence support, type fit, role in the question's relation, closeness.

A candidate of the wrong type is never produced (the extractors are chosen by the expected type),
so scoring only ranks right-typed phrases and decides whether any is supported well enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import (
    AGENT_LABELS,
    ORG_LABELS,
    PERSON_LABELS,
    Candidate,
    date_candidates,
    described,
    entity_candidates,
    is_org_like,
    is_person_like,
    noun_phrase,
    object_phrases,
    place_candidates,
    proper_name_candidates,
    role_noun_candidates,
    subject_phrases,
    time_candidates,
    title_words,
)
from bot.understand.answer.quantities import age_candidates, quantity_candidates
from bot.understand.answer.question import NUMERIC, Kind, Question
from bot.understand.answer.relation import (
    PRONOUNS,
    ROLE_FOCUS,
    ROLE_KINDS,
    asks_present,
    other_arguments,
    relation_tokens,
    role_of,
    was_once,
)
from bot.understand.answer.retrieve import Evidence
from bot.understand.answer.statements import quote_candidates, reason_candidates, speech_candidates
from bot.understand.answer.vocabulary import (
    AMOUNT_NOUNS,
    CHANGE_VERBS,
    NEGATIONS,
    ORG_NOUNS,
    PERSON_NOUNS,
    SPEECH_VERBS,
    TIME_UNITS,
    derivations,
    related,
)
from bot.understand.language.annotation import Annotated
from bot.understand.language.dates import MONTHS, WEEKDAYS


@dataclass
class Scored:
    """A candidate with the evidence it came from and its total score."""

    evidence: Evidence
    candidate: Candidate
    score: float


def ev_matched(a: Annotated, q: Question) -> list[tuple[int, str]]:
    """Tokens of the sentence that carry one of the question's proper names or nouns (not its focus)."""
    words = {x.lemma for x in q.anchors if x.lemma != q.focus and not x.verb}
    return [(t.i, t.lemma.lower()) for t in a.tokens if t.lemma.lower() in words or t.lower in words]


def _title_focus(q: Question, a: Annotated, cand: Candidate) -> float:
    """For "which official"/"the name of the spokesperson": the name's title must say so."""
    if not q.focus:
        return 0.0
    around = title_words(a, cand.start, cand.end)
    head = a.tokens[cand.head]
    if head.dep in ("compound", "appos") and not cand.start <= head.head < cand.end:
        around.add(head.head)  # "the Aqsa Television channel", "Haldor Consult, the engineering firm"
    if any(related(a.tokens[i].lemma.lower(), q.focus) for i in around):
        # "Instacart chief executive Fidji Simo" for "which Instacart boss": the title's other words count
        others = [i for i, _ in ev_matched(a, q) if i not in range(cand.start, cand.end)]
        inside = sum(1 for i in others if i in around)
        return W.FOCUS_FIT * (0.5 + inside / len(others)) if others else W.FOCUS_FIT
    return W.FOCUS_MISS if q.named else 0.0


def _share_of(q: Question, a: Annotated, cand: Candidate) -> float:
    """"63.7 per cent of the seats" is a share of seats: it answers a share of the vote only if the
    question speaks of seats."""
    nxt = a.tokens[cand.end] if cand.end < len(a.tokens) else None
    if nxt is None or nxt.lower != "of":
        return 0.0
    whole = next((c for c in a.children(nxt.i) if c.dep == "pobj"), None)
    if whole is None:
        return 0.0
    lemmas = {x.lemma for x in q.anchors}
    return W.FOCUS_FIT / 2 if any(related(whole.lemma.lower(), x) for x in lemmas) else W.FOCUS_MISS / 2


def _shape_of_number(q: Question, ev: Evidence, cand: Candidate) -> float:
    """Penalties for a number that is a change ("rose by 2%") or, for "now/latest" questions, a
    figure from long before its report ("the highest turnout since the war was 83.9% in 1950")."""
    a = ev.parsed
    out = 0.0
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    if before is not None and before.lower == "by" and a.tokens[before.head].lemma.lower() in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT
    after = a.tokens[cand.end] if cand.end < len(a.tokens) else None
    verb = a.tokens[a.tokens[cand.head].head]
    if a.tokens[cand.head].dep == "dobj" and verb.lemma.lower() in ("gain", "lose") and \
            q.relation not in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT  # "gained 63 seats to finish on 71": 63 is the change
    if before is not None and before.lower == "from" and after is not None and after.lower == "to":
        out += W.CHANGE_AMOUNT  # "fell from 41 to 31": 41 is what it was
    out += _not_the_outcome(q, a, cand)
    published = ev.hit.sentence.published
    if q.latest and published is not None:
        for ref in a.dates:
            if ref.last and (published.date() - date.fromisoformat(ref.last)).days > 365:
                out += W.HISTORIC
                break
    return out


_PREDICTION = frozenset(["poll", "forecast", "projection", "predict", "prediction", "survey"])
_BOUND = frozenset(["maximum", "minimum", "potential", "possible"])
_EARLIER = frozenset(["earlier", "initially", "previously", "originally"])
_ASKS_EARLIER = frozenset(["initial", "initially", "first", "originally", "original", "earlier", "previous",
                           "previously"])


def _not_the_outcome(q: Question, a: Annotated, cand: Candidate) -> float:
    """Penalties for a figure that is not the outcome asked about, unless the question asks for that:
    a prediction ("that poll had the Lib Dems on 52 seats", "are projected to win"); a record or a bound
    ("the highest turnout since the war was 83.9%", "faces a maximum sentence of 50 years"); a figure
    someone gave before ("last month officials said at least 115 had died, but ...")."""
    asked = {t.lemma.lower() for t in q.parsed.tokens} | {t.lower for t in q.parsed.tokens}
    future = any(t.lower in ("will", "would", "expect", "expected") for t in q.parsed.tokens)
    out = 0.0
    predicted = any(t.lemma.lower() in _PREDICTION or t.lemma.lower() == "project" and t.pos == "VERB"
                    for t in a.tokens)
    if predicted and not future and not asked & (_PREDICTION | {"project", "projected"}):
        out += W.PREDICTION
    if not any(t.tag in ("JJS", "RBS") or t.lemma.lower() in _BOUND for t in q.parsed.tokens):
        owner = a.tokens[cand.head].head  # "a maximum sentence of 50 years": the noun the figure is of
        if a.tokens[owner].lower == "of":
            owner = a.tokens[owner].head
        for t in a.tokens:
            if (t.i == owner or q.focus and related(t.lemma.lower(), q.focus)) and any(
                    c.dep == "amod" and (c.tag == "JJS" or c.lemma.lower() in _BOUND) for c in a.children(t.i)):
                out += W.BOUND
                break
    if not asked & _ASKS_EARLIER:
        k, seen = cand.head, 0
        while seen < 8:
            t = a.tokens[k]
            if t.pos in ("VERB", "AUX") and any(
                    c.lower in _EARLIER or c.dep == "npadvmod" and c.lemma.lower() in ("month", "week", "year")
                    and any(d.lower == "last" for d in a.children(c.i)) for c in a.children(k)):
                out += W.STALE
                break
            if t.head == k or t.pos in ("VERB", "AUX") and t.dep == "conj":
                break  # "..., but on Friday they said": a conjoined clause has its own time
            k, seen = t.head, seen + 1
    return out


def _other_day(q: Question, a: Annotated, cand: Candidate) -> float:
    """"When on August 8 did X happen" is not answered by a day that is not August 8."""
    days = [(w.month, w.day) for w in q.dates if w.month and w.day]
    if not days:
        return 0.0
    for ref in a.dates:
        if ref.first and ref.start < cand.end and cand.start < ref.end:
            month, day = int(ref.first[5:7]), int(ref.first[8:10])
            if ref.first == ref.last and (month, day) not in days:
                return W.FOCUS_MISS
    words = [t.lower.strip(".") for t in a.tokens[cand.start:cand.end]]
    months = {MONTHS[w] for w in words if w in MONTHS and w != "may"}
    if months and not months & {m for m, _ in days} or \
            any(w in WEEKDAYS for w in words) and not any(w.weekday >= 0 for w in q.dates):
        return W.FOCUS_MISS  # a weekday or another month, when the question names the day
    return 0.0


def _proper_words(a: Annotated, i: int) -> set[str]:
    lo, hi = a.subtree(i)
    return {t.lemma.lower() for t in a.tokens[lo:hi] if t.pos == "PROPN" or t.ent.endswith(("NORP", "ORG", "GPE"))}


def _other_owner(q: Question, a: Annotated, cand: Candidate) -> float:
    """"How many Tory seats" is not answered by "10 seats for the SNP": the counted noun belongs to
    another named party than the one the question puts on it."""
    focus = next((t for t in q.parsed.tokens if q.focus and t.lemma.lower() == q.focus), None)
    if focus is None:
        return 0.0
    want: set[str] = set()
    for c in q.parsed.children(focus.i):
        if c.dep in ("compound", "amod", "poss", "nmod") and (
                c.pos == "PROPN" or c.ent.endswith(("NORP", "ORG", "GPE"))):
            want |= {c.lemma.lower(), c.lower}
    if not want:
        return 0.0
    noun = a.tokens[cand.head]
    got: set[str] = set()
    for c in a.children(noun.i):
        if c.dep in ("compound", "poss", "nmod") and (c.pos == "PROPN" or c.ent.endswith(("NORP", "ORG", "GPE"))):
            got |= {c.lemma.lower(), c.lower}
        if c.dep == "prep" and c.lower in ("for", "of"):
            for g in a.children(c.i):
                if g.dep == "pobj":
                    got |= _proper_words(a, g.i)
    if got and not any(w == x or related(w, x) for w in want for x in got):
        return W.FOCUS_MISS
    return 0.0


def _counts_in_relation(a: Annotated, cand: Candidate, rel: set[int]) -> bool:
    """Whether the number is the one the question's verb is about: "only 58 ... had worked" (its
    subject), "the 130 hostages still held" (a clause on the counted noun)."""
    heads = {cand.head} | {t.i for t in a.tokens[cand.start:cand.end] if t.pos == "NUM"}
    for h in heads:
        t = a.tokens[h]
        if t.head in rel and t.dep in ("nsubj", "nsubjpass", "dobj", "attr"):
            return True
        if any(c.i in rel and c.dep in ("acl", "relcl") for c in a.children(h)):
            return True
    return False


def _has_content(a: Annotated, cand: Candidate) -> bool:
    """Whether a phrase has a word of its own (not just "which", "it", "that")."""
    return any(t.pos in ("NOUN", "PROPN", "NUM", "ADJ", "VERB") for t in a.tokens[cand.start:cand.end])


def _title_share(ev: Evidence, cand: Candidate, rel: set[int]) -> float:
    """How much of the question's other words sit in the title that names the relation (0.5..1.5)."""
    a = ev.parsed
    words = title_words(a, cand.start, cand.end)
    for r in rel & words:  # "the project director" does not head the company; "the intelligence chief" does
        if any(c.dep == "compound" and c.pos == "NOUN" and c.i not in ev.matched for c in a.children(r)):
            return 0.0
    matched = [i for i in ev.matched if i not in rel]
    if not matched:
        return 0.5
    inside = sum(1 for i in matched if i in words)
    return 0.5 + inside / len(matched)


def _shape(a: Annotated, cand: Candidate) -> float:
    """Penalty for a name used as a modifier of another name ("US" in "US CIA Chief William Burns")."""
    t = a.tokens[cand.head]
    head = a.tokens[t.head]
    if t.dep in ("compound", "nmod", "poss", "amod") and not cand.start <= t.head < cand.end and (
            head.pos == "PROPN" or head.ent or head.lemma.lower() in PERSON_NOUNS | ORG_NOUNS):
        return W.MODIFIER
    return 0.0


def _near(ev: Evidence, cand: Candidate) -> float:
    outside = [i for i in ev.matched if not cand.start <= i < cand.end]
    if not outside:
        return 0.0
    gap = min(min(abs(i - cand.start), abs(i - (cand.end - 1))) for i in outside)
    return W.NEAR / (1 + gap / W.NEAR_SPAN)


def _echo(q: Question, a: Annotated, cand: Candidate) -> float:
    if q.kind in NUMERIC or q.kind in (Kind.DATE, Kind.TIME):
        return 0.0  # "42 container ships" repeats the counted noun by design
    words = [t for t in a.tokens[cand.start:cand.end] if t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV")]
    if not words:
        return 0.0
    names = [x for x in q.anchors if x.proper]
    if not q.open and any(t.lower == x.text.lower() or t.lemma.lower() == x.lemma for t in words for x in names):
        return W.ECHO  # "Who chairs Halvard Logistics?" is not answered by "Halvard Logistics"
    head = a.tokens[cand.head]
    if not q.open and head.dep == "appos" and any(
            a.tokens[head.head].lower == x.text.lower() or a.tokens[head.head].lemma.lower() == x.lemma for x in names):
        return W.ECHO  # nor by "a company" in "Halvard Logistics, a company owned by ..."
    lemmas = {x.lemma for x in q.anchors} | {t.lemma.lower() for t in q.parsed.tokens
                                             if t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "ADV")}
    echoed = sum(1 for t in words if t.lemma.lower() in lemmas or t.lower in lemmas or
                 any(related(t.lemma.lower(), x) for x in lemmas))
    share = echoed / len(words)
    limit = W.ECHO_SHARE_OPEN if q.open else W.ECHO_SHARE
    return W.ECHO if share >= limit else 0.0


def _speaker_fit(q: Question, ev: Evidence, cand: Candidate) -> float:
    if not q.speaker:
        return 0.0
    said = {w.lower().strip(".,'’s") for w in cand.speaker.split()}
    if said & {"he", "she"} and q.speaker_group:
        return -W.QUOTE_SPEAKER  # "he said" is not what a group or a country said
    if said & PRONOUNS or not said - {""}:
        before = (ev.hit.before or "").lower()
        return W.QUOTE_SPEAKER * W.PRONOUN_SPEAKER if any(w in before for w in q.speaker if len(w) > 2) else 0.0
    wanted = set(q.speaker)
    hits = {w for w in said if any(w == x or related(w, x) for x in wanted)}
    return W.QUOTE_SPEAKER if hits else -W.QUOTE_SPEAKER


def _focus_fit(q: Question, a: Annotated, cand: Candidate, noun: str) -> float:
    if not q.focus:
        return 0.0
    if noun:
        if noun in ("people", "person") and q.focus not in TIME_UNITS:
            # "30 to 35 people" may be the hostages asked about, if the clause says so
            lo, hi = a.subtree(a.tokens[cand.head].head)
            return 0.0 if any(related(t.lemma.lower(), q.focus) for t in a.tokens[lo:hi]) else W.FOCUS_MISS / 2
        return W.FOCUS_FIT if related(noun, q.focus) else W.FOCUS_MISS
    near = a.tokens[max(0, cand.start - 4):cand.end + 3]
    # "the death toll rose to 55" counts the people who died
    words = {q.focus, q.relation} - {""}
    return W.FOCUS_FIT * 0.5 if any(related(t.lemma.lower(), w) for t in near for w in words) else W.FOCUS_MISS / 2


def _typed(q: Question, ev: Evidence, rel: set[int]) -> list[tuple[Candidate, float]]:
    """(candidate, extra score) pairs of the question's type from one sentence."""
    a = ev.parsed
    k = q.kind
    out: list[tuple[Candidate, float]] = []
    if k is Kind.PERSON:
        for c in entity_candidates(a, PERSON_LABELS) + proper_name_candidates(a, W.FIT_UNTAGGED_NAME):
            out.append((c, _title_focus(q, a, c)))
    elif k is Kind.ORG:
        for c in entity_candidates(a, ORG_LABELS):
            # a name titled "managing director" is a person, whatever the tagger said
            if not any(a.tokens[i].lemma.lower() in PERSON_NOUNS and a.tokens[i].pos == "NOUN"
                       for i in title_words(a, c.start, c.end)):
                out.append((c, _title_focus(q, a, c)))
        out += [(c, 0.0) for c in role_noun_candidates(a, ORG_NOUNS, W.FIT_ORG_NOUN)]
    elif k is Kind.AGENT:
        out += [(c, 0.0) for c in entity_candidates(a, AGENT_LABELS)]
        out += [(c, 0.0) for c in proper_name_candidates(a, W.FIT_UNTAGGED_NAME)]
        if q.role == "subj":  # the doer, when it is a person or a body ("retired crane drivers")
            out += [(c, 0.0) for c in subject_phrases(a, rel, W.FIT_DOER)
                    if a.entity_at(c.head) is not None or is_person_like(a, c) or is_org_like(a, c)]
        out += [(c, 0.0) for c in role_noun_candidates(a, PERSON_NOUNS | ORG_NOUNS, W.FIT_ROLE_NOUN)]
    elif k is Kind.PLACE:
        out += [(c, 0.0) for c in place_candidates(a)]
    elif k is Kind.DATE:
        out += [(c, _other_day(q, a, c)) for c in date_candidates(a)]
    elif k is Kind.TIME:
        out += [(c, _other_day(q, a, c)) for c in time_candidates(a)]
    elif k in (Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.DURATION, Kind.MEASURE):
        kinds = {Kind.COUNT: "count", Kind.MONEY: "money", Kind.PERCENT: "percent",
                 Kind.DURATION: "duration", Kind.MEASURE: "measure"}[k]
        wanted = frozenset([kinds, "money"]) if q.focus in AMOUNT_NOUNS else frozenset([kinds])
        for c, quantity in quantity_candidates(a, wanted):
            if k is Kind.MEASURE and q.units and quantity.unit not in q.units and quantity.noun not in q.units:
                continue  # "how far" wants a distance, not a weight
            head = a.tokens[c.head]  # "42 container ships" counts ships; "58 of the 70 sirens" sirens
            noun = (head.lemma.lower() if head.pos == "NOUN" else quantity.noun) if k is Kind.COUNT else ""
            if k is Kind.DURATION and q.focus in TIME_UNITS:  # "how many days": the unit must agree
                noun = quantity.unit or quantity.noun
            counts = k is Kind.COUNT or k is Kind.DURATION and q.focus in TIME_UNITS
            fit = _focus_fit(q, a, c, noun) if counts else 0.0
            if k is Kind.PERCENT:
                fit += _share_of(q, a, c)
            fit += W.COUNT_ROLE if _counts_in_relation(a, c, rel) else 0.0
            fit += _other_owner(q, a, c) if k is Kind.COUNT else 0.0
            out.append((c, fit + _shape_of_number(q, ev, c)))
    elif k is Kind.AGE:
        names = {x.lemma for x in q.anchors if x.proper} | {x.text.lower() for x in q.anchors if x.proper}
        for c in age_candidates(a):
            owner = a.entity_at(c.head)
            words = {w.lower() for w in (owner.text if owner else a.tokens[c.head].text).replace("-", " ").split()}
            words |= {w.lower() for w in a.tokens[c.head].text.replace("-", " ").split()}
            if names & words or any(n in words for x in names for n in x.replace("-", " ").split()):
                out.append((c, 0.0))  # an age only counts when it is the asked person's
    elif k is Kind.QUOTE:
        verbs = rel if q.relation and q.relation not in SPEECH_VERBS else None
        for c in quote_candidates(a):
            out.append((c, _speaker_fit(q, ev, c) + W.QUOTE_BONUS))
        for c in speech_candidates(a, verbs if verbs else None):
            out.append((c, _speaker_fit(q, ev, c)))
        if q.relation and q.relation not in SPEECH_VERBS:
            out += [(c, 0.0) for c in object_phrases(a, rel, W.FIT_RELATION_OBJECT)]
        if rel and q.relation not in ("say", "tell"):
            # "How did X describe Y": the sentence uses the question's own verb of speech
            out = [(c, extra + W.SPEECH_VERB_FIT) for c, extra in out]
        said = max((extra for _, extra in out), default=0.0)
        out += [(c, extra + max(0.0, said - W.QUOTE_BONUS)) for c, extra in _gap_candidates(q, a)]
    elif k is Kind.REASON:
        # "Why will X not resign?" is answered where X will not resign, and the other way round
        said_not = any(c.dep == "neg" for r in rel for c in a.children(r))
        polarity = 0.0 if not rel or said_not == q.negated else W.POLARITY
        out += [(c, polarity) for c in reason_candidates(a)]
    elif k is Kind.DESCRIBE:
        names = [i for i, credit in ev.matched.items() if a.tokens[i].pos == "PROPN"]
        for i in names[:1]:
            out += [(c, 0.0) for c in described(a, i)]
    elif k is Kind.YESNO:
        for r in rel:
            lo, hi = a.subtree(r)
            c = Candidate(lo, hi, a.span(lo, hi), r, W.FIT_YESNO_CLAUSE, speaker="")
            out.append((c, 0.0))
    elif k is Kind.PHRASE:
        out += _phrase_candidates(q, a, rel)
    return out


def _gap_candidates(q: Question, a: Annotated) -> list[tuple[Candidate, float]]:
    """What fills the question's gap inside a reported clause: "what did X say the debris pointed to"
    is the object of "pointed" in the sentence, "what has X warned Y risks losing" that of "losing"."""
    if not q.embedded:
        return []
    forms = derivations(q.embedded)
    verbs = {t.i for t in a.tokens if t.lemma.lower() in forms and t.pos in ("VERB", "AUX", "NOUN")}
    return [(c, W.GAP_FIT) for c in object_phrases(a, verbs, 1.0)]


def _phrase_candidates(q: Question, a: Annotated, rel: set[int]) -> list[tuple[Candidate, float]]:
    out: list[tuple[Candidate, float]] = []
    if q.focus:
        for t in a.tokens:
            if not related(t.lemma.lower(), q.focus):
                continue
            # "the ship Polar Prince" / "Polar Prince, the ship": the name beside the focus noun
            for other in a.tokens:
                if other.head == t.i and other.dep in ("appos", "compound") or t.head == other.i and t.dep in (
                        "appos", "compound"):
                    ent = a.entity_at(other.i)
                    lo, hi = (ent.start, ent.end) if ent else noun_phrase(a, other.i, with_of=False)
                    if lo <= t.i < hi:
                        continue
                    for c in a.children(other.i):  # "bidders, Corvane Rail and the Tessaly Group"
                        if c.dep == "conj":
                            hi = max(hi, a.subtree(c.i)[1])
                    c = Candidate(lo, hi, a.span(lo, hi), other.i, 1.0)
                    out.append((c, 0.0))
            # "a non-voting observer seat": what kind of seat is in its modifiers
            lo, hi = noun_phrase(a, t.i, with_of=False)
            mods = [x for x in a.tokens[lo:t.i] if x.pos in ("ADJ", "NOUN", "PROPN", "VERB") and x.dep != "poss"]
            if mods:
                start = mods[0].i
                c = Candidate(start, t.i + 1, a.span(start, t.i + 1), t.i, W.FIT_KIND_MODIFIERS)
                out.append((c, 0.0))
            # "weapons such as the Iron Dome interceptors", "outlets including X"
            for prep in a.children(t.i):
                if prep.dep == "prep" and (prep.lower in ("including", "like") or prep.lower == "as" and
                                           prep.i > 0 and a.tokens[prep.i - 1].lower == "such"):
                    for obj in a.children(prep.i):
                        if obj.dep == "pobj":  # the named things, without a relative clause after them
                            lo, hi = noun_phrase(a, obj.i)
                            for c in a.children(obj.i):
                                if c.dep == "conj":
                                    hi = max(hi, a.subtree(c.i)[1])
                            c = Candidate(lo, hi, a.span(lo, hi), obj.i, 1.0)
                            out.append((c, 0.0))
        if q.focus not in ROLE_FOCUS:
            return out  # "which weapons": only a phrase tied to a weapon word is of that kind
    if rel and not out:
        if q.role == "subj":
            out += [(c, 0.0) for c in subject_phrases(a, rel, W.FIT_ROLE_PHRASE)]
        else:
            out += [(c, 0.0) for c in object_phrases(a, rel, W.FIT_ROLE_PHRASE)]
    return out


def score_evidence(q: Question, ev: Evidence) -> list[Scored]:
    """Every typed candidate of one sentence with its score."""
    a = ev.parsed
    rel = relation_tokens(q, a)
    missing = W.RELATION_MISSING if q.relation_verb and not rel and not q.open else 0.0
    if rel and other_arguments(q, a, rel):
        missing += W.OTHER_ARGUMENTS
    if rel and asks_present(q) and all(was_once(a, r) for r in rel):
        missing += W.STALE
    out = []
    for cand, extra in _typed(q, ev, rel):
        if cand.end - cand.start > W.MAX_SPAN * 3 or not _has_content(a, cand):
            continue
        if q.open:
            extra += W.LONG * max(0, cand.end - cand.start - W.LONG_FROM)
        role = role_of(a, cand, rel) if q.role and q.kind in ROLE_KINDS else ""
        if role == "title":
            role_score = W.ROLE_FIT * _title_share(ev, cand, rel) if q.role == "subj" else 0.0
        elif role:
            role_score = W.ROLE_FIT if role == q.role else W.ROLE_WRONG
        else:  # the sentence has the relation but this name plays no part in it
            role_score = W.ROLE_NONE if rel and q.role and q.kind in ROLE_KINDS else 0.0
        if q.kind in (Kind.PERSON, Kind.ORG, Kind.AGENT, Kind.PLACE) and not (
                q.possessive and a.tokens[cand.head].dep == "poss"):  # "whose ROV": the owner is the answer
            extra += _shape(a, cand)
        if q.kind is Kind.PLACE and a.tokens[cand.head].dep == "pobj" and \
                a.tokens[a.tokens[cand.head].head].lower in ("in", "at", "to", "from", "near", "into"):
            extra += W.PLACE_PREP
        total = (missing + W.SUPPORT * ev.support + W.TYPE_EXACT * cand.fit + role_score + _near(ev, cand)
                 + _echo(q, a, cand) + extra - W.RANK_DECAY * ev.rank)
        out.append(Scored(ev, cand, total))
    return out


def rank(q: Question, evidence: list[Evidence]) -> list[Scored]:
    """All candidates from sufficiently supported sentences, best first."""
    floor = W.MIN_SUPPORT_OPEN if q.open else W.MIN_SUPPORT
    out: list[Scored] = []
    for ev in evidence:
        if ev.support < floor:
            continue
        out += score_evidence(q, ev)
    out.sort(key=lambda s: -s.score)
    return out


def accepted(q: Question, best: Scored) -> bool:
    """Whether the best candidate is supported well enough to be given as the answer."""
    floor = {Kind.QUOTE: W.MIN_SCORE_QUOTE, Kind.PHRASE: W.MIN_SCORE_PHRASE, Kind.DESCRIBE: W.MIN_SCORE_PHRASE,
             Kind.REASON: W.MIN_SCORE_REASON, Kind.YESNO: W.MIN_SCORE_YESNO}.get(
        q.kind, W.MIN_SCORE_BY_KIND.get(q.kind.name, W.MIN_SCORE))
    return best.score >= floor


def negated(a: Annotated, cand: Candidate) -> bool:
    """Whether the candidate's clause is negated (for yes/no answers)."""
    return any(t.lower in NEGATIONS or t.dep == "neg" for t in a.tokens[cand.start:cand.end])
