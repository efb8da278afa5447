"""Score typed candidates: sentence support, type fit, role in the question's relation, closeness.

A candidate of the wrong type is never produced (the extractors are chosen by the expected type),
so scoring only ranks right-typed phrases and decides whether any is supported well enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import (
    AGENT_LABELS,
    COMPANY_KINDS,
    ORG_LABELS,
    PERSON_LABELS,
    Candidate,
    described,
    described_as,
    entity_candidates,
    is_org_like,
    is_person_like,
    job_titles,
    nationality_phrases,
    object_phrases,
    proper_name_candidates,
    role_noun_candidates,
    root_of,
    subject_phrases,
    title_words,
    verb_of,
)
from bot.understand.answer.fits import (
    closeness_to_all,
    counts_in_relation,
    echo,
    focus_fit,
    has_content,
    near,
    not_asserted,
    other_day,
    other_title,
    past_for_future,
    place_focus,
    shape,
    share_of,
    speaker_fit,
    title_focus,
    title_share,
    when_said,
)
from bot.understand.answer.number_fits import measure_of, shape_of_number
from bot.understand.answer.owners import another_instance, other_actor, other_named, other_owner
from bot.understand.answer.phrases import named_beside_focus, phrase_candidates
from bot.understand.answer.places_times import (
    date_candidates,
    in_other_clause,
    left_place,
    located,
    names_day,
    part_candidates,
    place_candidates,
    spot_candidates,
    time_candidates,
    until_candidates,
)
from bot.understand.answer.quantities import (
    age_candidates,
    joint_count,
    ordinal_counts,
    quantity_candidates,
    quantity_kind,
)
from bot.understand.answer.question import NUMERIC, Kind, Question
from bot.understand.answer.relation import (
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
    ORG_NOUNS,
    SPEECH_VERBS,
    TIME_UNITS,
    derivations,
)
from bot.understand.answer.yesno import asks_state_now, yes_no_candidates
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import LOOKING_AHEAD
from bot.understand.language.numbers import MONEY_UNITS
from bot.understand.language.people import PERSON_NOUNS


@dataclass
class Scored:
    """A candidate with the evidence it came from and its total score."""

    evidence: Evidence
    candidate: Candidate
    score: float
    tie: float = 0.0  # orders candidates of equal score: closeness to all the question's words


def _typed(q: Question, ev: Evidence, rel: set[int]) -> list[tuple[Candidate, float]]:
    """(candidate, extra score) pairs of the question's type from one sentence."""
    a = ev.parsed
    k = q.kind
    out: list[tuple[Candidate, float]] = []
    if k is Kind.PERSON:
        for c in entity_candidates(a, PERSON_LABELS) + proper_name_candidates(a, W.FIT_UNTAGGED_NAME):
            out.append((c, title_focus(q, a, c)))
    elif k is Kind.ORG:
        for c in entity_candidates(a, ORG_LABELS):
            # a name titled "managing director" is a person, whatever the tagger said
            if not any(a.tokens[i].lemma.lower() in PERSON_NOUNS and a.tokens[i].pos == "NOUN"
                       for i in title_words(a, c.start, c.end)):
                out.append((c, title_focus(q, a, c)))
        out += [(c, 0.0) for c in role_noun_candidates(a, ORG_NOUNS, W.FIT_ORG_NOUN)]
        out += [(c, 0.0) for c in described_as(a, ORG_NOUNS | COMPANY_KINDS, ORG_LABELS | PERSON_LABELS)]
        out += [(c, 0.0) for c in entity_candidates(a, PERSON_LABELS, W.FIT_ORG_AS_PERSON)]
        if q.focus:  # "which newspaper": "the newspaper Il Corriere Alpino", tagged or not
            out += [(c, 0.0) for c in named_beside_focus(q, a) if a.tokens[c.head].pos == "PROPN"]
    elif k is Kind.AGENT:
        bodies = entity_candidates(a, AGENT_LABELS)
        out += [(c, 0.0) for c in bodies]
        # "the Coast Guard in Boston": a body with the place of its branch
        out += [(c, 0.0) for c in located(a, [b for b in bodies if a.entity_at(b.head) is not None
                                               and a.entity_at(b.head).label == "ORG"], place_candidates(a), ("in",))]
        out += [(c, 0.0) for c in proper_name_candidates(a, W.FIT_UNTAGGED_NAME)]
        out += [(c, 0.0) for c in nationality_phrases(a, W.FIT_NATIONALITY_PHRASE)]
        if q.role == "subj":  # the doer, when it is a person or a body ("retired crane drivers")
            out += [(c, 0.0) for c in subject_phrases(a, rel, W.FIT_DOER)
                    if a.entity_at(c.head) is not None or is_person_like(a, c) or is_org_like(a, c)]
        out += [(c, 0.0) for c in role_noun_candidates(a, PERSON_NOUNS | ORG_NOUNS, W.FIT_ROLE_NOUN)]
    elif k is Kind.PLACE and q.within:
        out += [(c, 0.0) for c in part_candidates(a, q.within)]
    elif k is Kind.PLACE:
        verbs = {x.lemma for x in q.anchors if x.verb}
        out += [(c, place_focus(q, a, c) + (W.OTHER_CLAUSE if in_other_clause(a, c, rel, verbs) or
                                            left_place(a, c, rel) else 0.0))
                for c in place_candidates(a)]
        out += [(c, 0.0) for c in spot_candidates(a, rel)]
    elif k is Kind.DATE:
        out += [(c, other_day(q, a, c) + when_said(q, a, c, rel) + past_for_future(q, a, c, ev.hit.sentence.published))
                for c in date_candidates(a)
                if q.focus not in ("day", "date") or names_day(a, c)]  # "what day": not "7 pm", nor "the night"
    elif k is Kind.TIME:
        out += [(c, other_day(q, a, c)) for c in time_candidates(a)]
    elif k in (Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.DURATION, Kind.MEASURE):
        kinds = {Kind.COUNT: "count", Kind.MONEY: "money", Kind.PERCENT: "percent",
                 Kind.DURATION: "duration", Kind.MEASURE: "measure"}[k]
        wanted = frozenset([kinds, "money"]) if q.focus in AMOUNT_NOUNS else frozenset([kinds])
        how_adjective = next((t.lower for t in q.parsed.tokens if t.i > 0 and q.parsed.tokens[t.i - 1].lower == "how"
                              and t.pos in ("ADJ", "ADV")), "")
        if k is Kind.DURATION and q.units:
            wanted |= {"measure"}
        if k is Kind.MONEY and not q.asks_sum and (
                not q.focus or any(x.lemma in AMOUNT_NOUNS - {"pay"} for x in q.anchors if not x.verb)):
            wanted |= {"percent"}  # "how much did the company offer", "the latest pay rise": 4 percent
        wanted |= q.also
        # "how many firms and people": the count of each, listed together
        asks_joint = any(t.dep == "conj" and q.parsed.tokens[t.head].lemma.lower() == q.focus and t.pos == "NOUN"
                         for t in q.parsed.tokens)
        for c, quantity in quantity_candidates(a, wanted):
            kind_here = quantity_kind(a, quantity)
            if (kind_here == "measure" or k is Kind.MEASURE and kind_here not in q.also) and q.units and \
                    quantity.unit not in q.units and quantity.noun not in q.units:
                continue  # "how far" wants a distance, not a weight
            if k is Kind.MEASURE and kind_here == "count" and q.focus and \
                    q.focus in (quantity.noun, a.tokens[c.head].lemma.lower()):
                continue  # "how big is the lawsuit" is not answered by "more than 30 lawsuits"
            head = a.tokens[c.head]  # "42 container ships" counts ships; "58 of the 70 sirens" sirens
            noun = (head.lemma.lower() if head.pos == "NOUN" else quantity.noun) if k is Kind.COUNT else ""
            if k is Kind.DURATION and q.focus in TIME_UNITS:  # "how many days": the unit must agree
                noun = quantity.unit or quantity.noun
            counts = k is Kind.COUNT or k is Kind.DURATION and q.focus in TIME_UNITS
            fit = focus_fit(q, a, c, noun) if counts else 0.0
            if k is Kind.PERCENT:
                fit += share_of(q, a, c)
            if k is Kind.MEASURE:
                fit += measure_of(q, a, c, quantity.unit)
            fit += W.COUNT_ROLE if counts_in_relation(a, c, rel) else 0.0
            fit += other_owner(q, a, c) if k is Kind.COUNT else 0.0
            fit += other_actor(q, a, c) or other_named(q, a, c)
            if c.end < len(a.tokens) and a.tokens[c.end].lower == how_adjective:
                fit += W.SAME_ADJECTIVE  # "how long was the stretch": "about 200 metres long"
            if k is Kind.COUNT and asks_joint and (joint := joint_count(a, c)) is not None:
                # "how many ships and planes": "43 ships and 58 aircraft", never "43 ships" cut from it
                out.append((joint, fit + shape_of_number(q, ev, joint) + W.COORDINATED))
            else:
                out.append((c, fit + shape_of_number(q, ev, c)))
        if k is Kind.COUNT and q.focus:
            out += [(c, W.FOCUS_FIT) for c in ordinal_counts(a, q.focus)]
        if k is Kind.DURATION and q.focus not in TIME_UNITS:  # "how long will rides be free": until when
            out += [(c, 0.0) for c in until_candidates(a)]
    elif k is Kind.AGE:
        names = {x.lemma for x in q.anchors if x.proper} | {x.text.lower() for x in q.anchors if x.proper}
        things = {x.lemma for x in q.anchors if not x.verb and not x.proper}  # "how old is the banyan tree"
        for c in age_candidates(a):
            if a.tokens[c.head].pos == "NOUN" and a.tokens[c.head].lemma.lower() in things:
                out.append((c, 0.0))
                continue
            owner = a.entity_at(c.head)
            words = {w.lower() for w in (owner.text if owner else a.tokens[c.head].text).replace("-", " ").split()}
            words |= {w.lower() for w in a.tokens[c.head].text.replace("-", " ").split()} | {a.tokens[c.head].lemma}
            if names & words or any(n in words for x in names for n in x.replace("-", " ").split()):
                out.append((c, 0.0))  # an age only counts when it is the asked person's
    elif k is Kind.QUOTE:
        verbs = rel if q.relation and q.relation not in SPEECH_VERBS else None
        # "what did X promise": what X promised, not what the same sentence says X told them
        particular = bool(rel) and q.relation in SPEECH_VERBS and q.relation not in ("say", "tell")

        def elsewhere(c: Candidate) -> float:
            head = a.tokens[root_of(a, c.start, c.end)].head
            return W.OTHER_SPEECH_VERB if particular and head not in rel and a.tokens[head].lemma.lower() in \
                SPEECH_VERBS else 0.0

        for c in quote_candidates(a):
            out.append((c, speaker_fit(q, ev, c) + W.QUOTE_BONUS + elsewhere(c)))
        for c in speech_candidates(a, verbs if verbs else None):
            out.append((c, speaker_fit(q, ev, c) + elsewhere(c)))
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
        for c in reason_candidates(a):
            # the reason must be the relation's: "agreed ... because", not "asked not to be named because"
            # past "amid", "because of" to the verb they modify
            head = a.tokens[root_of(a, c.start, c.end)].head
            if a.tokens[head].lower == "saying" and a.tokens[head].dep == "advcl":
                head = a.tokens[head].head  # "X stopped, saying ...": the reason is X's stopping's
            governs = verb_of(a, head)
            attach = (W.REASON_OF_RELATION if governs in rel else W.REASON_ELSEWHERE) if rel else 0.0
            out.append((c, polarity + attach))
    elif k is Kind.DESCRIBE:
        names = [i for i, credit in ev.matched.items() if a.tokens[i].pos == "PROPN"]
        for i in names[:1]:
            out += [(c, 0.0) for c in described(a, i)]
    elif k is Kind.TITLE:
        names = [i for i, credit in ev.matched.items() if a.tokens[i].pos == "PROPN"]
        for i in names[:1]:
            out += [(c, 0.0) for c in job_titles(a, i)]
    elif k is Kind.YESNO:
        out += yes_no_candidates(q, a, rel)
    elif k is Kind.PHRASE:
        out += phrase_candidates(q, a, rel)
    if k in (Kind.PERSON, Kind.ORG, Kind.AGENT, Kind.PLACE):
        # a sum the tagger took for a name ("CHF5bn") is no one and nowhere
        sums = [(x.start, x.end) for x in a.quantities if x.unit in MONEY_UNITS or x.unit == "%"]
        out = [(c, e) for c, e in out if not any(lo < c.end and c.start < hi for lo, hi in sums)]
    return out


def _gap_candidates(q: Question, a: Annotated) -> list[tuple[Candidate, float]]:
    """What fills the question's gap inside a reported clause: "what did X say the debris pointed to"
    is the object of "pointed" in the sentence, "what has X warned Y risks losing" that of "losing"."""
    if not q.embedded:
        return []
    forms = derivations(q.embedded)
    verbs = {t.i for t in a.tokens if t.lemma.lower() in forms and t.pos in ("VERB", "AUX", "NOUN")}
    return [(c, W.GAP_FIT) for c in object_phrases(a, verbs, 1.0)]


DEPARTURES = frozenset("resign quit oust fire dismiss sack suspend replace remove depart retire".split())


def sums_up(tokens: Sequence[Tok]) -> bool:
    """The words add several things up: "in total", "combined", "altogether"."""
    return any(t.lower in ("combined", "altogether") or t.lower == "total" and k > 0 and tokens[k - 1].lower == "in"
               for k, t in enumerate(tokens))


def has_left(a: Annotated, cand: Candidate) -> bool:
    """The sentence says the candidate left the post: the verb it is the subject of is a departure
    ("X resigned", "X was ousted", "X has been placed on leave")."""
    verb = a.tokens[a.tokens[cand.head].head]
    if a.tokens[cand.head].dep not in ("nsubj", "nsubjpass") or verb.pos not in ("VERB", "AUX"):
        return False
    if verb.lemma.lower() in DEPARTURES:
        return True
    return verb.lemma.lower() == "place" and any(  # "placed on leave"
        c.lower == "on" and any(o.lower == "leave" for o in a.children(c.i)) for c in a.children(verb.i))


GENERIC_PEOPLE = frozenset("man woman people person official authority someone anyone everyone other".split())


def _anyone(a: Annotated, cand: Candidate) -> bool:
    """The candidate names no one in particular: "the men", "officials", "people"."""
    words = [t for t in a.tokens[cand.start:cand.end] if t.pos not in ("DET", "PUNCT")]
    return len(words) == 1 and words[0].pos in ("NOUN", "PRON") and words[0].lemma.lower() in GENERIC_PEOPLE


def _names_the_asked(q: Question, a: Annotated, cand: Candidate) -> bool:
    """The place name is part of the name of the thing whose place is asked ("the San Jose mine" for
    "where is the mine"): it says which one, not where it is."""
    head = a.tokens[cand.head]
    things = {x.lemma for x in q.anchors if not x.verb and not x.proper}
    return head.dep == "compound" and not cand.start <= head.head < cand.end and \
        a.tokens[head.head].lemma.lower() in things


def score_evidence(q: Question, ev: Evidence) -> list[Scored]:
    """Every typed candidate of one sentence with its score."""
    a = ev.parsed
    rel = relation_tokens(q, a)
    missing = W.RELATION_MISSING if q.relation_verb and not rel and not q.open else 0.0
    ahead = q.relation in LOOKING_AHEAD or any(t.lower in ("next", "upcoming") for t in q.parsed.tokens) and \
        not any(t.tag in ("VBD", "VBN") and t.dep != "amod" for t in q.parsed.tokens)
    if ahead and not any(t.lemma.lower() in LOOKING_AHEAD | {"would"} for t in a.tokens):
        missing += W.NOT_EXPECTED  # "when is the next round" is not answered by when they last met
    if rel and other_arguments(q, a, rel):
        missing += W.OTHER_ARGUMENTS
    if rel and asks_present(q) and all(was_once(a, r) for r in rel):
        missing += W.STALE
    if rel and asks_present(q) and q.kind in (Kind.PERSON, Kind.AGENT, Kind.ORG):
        if any(c.lower in ("now", "currently") for r in rel for c in a.children(r)):
            missing += W.SAID_NOW  # "who heads it now": "the company is now run by X"
        elif all(a.tokens[r].tag == "VBD" for r in rel):
            missing += W.SAID_PAST  # not "X, who ran its crisis unit on the night"
    if q.kind in NUMERIC and sums_up(a.tokens) and not sums_up(q.parsed.tokens):
        missing += W.SUMMED  # "the failures of A, B and C will cost $35bn in total" is not what B will cost
    out = []
    for cand, extra in _typed(q, ev, rel):
        if cand.end - cand.start > W.MAX_SPAN * 3 or not has_content(a, cand):
            continue
        if q.kind in (Kind.PERSON, Kind.AGENT) and _anyone(a, cand):
            continue  # "who came out first" is not answered by "the men"
        if q.open:
            extra += W.LONG * max(0, cand.end - cand.start - W.LONG_FROM)
        if asks_present(q) and q.kind in (Kind.PERSON, Kind.AGENT) and has_left(a, cand):
            extra += W.STALE  # "who runs it now": not the director "placed on leave" in the same breath
        role = role_of(a, cand, rel) if q.role and q.kind in ROLE_KINDS else ""
        if role == "title":
            role_score = W.ROLE_FIT * title_share(ev, cand, rel) if q.role == "subj" else 0.0
        elif role:
            role_score = W.ROLE_FIT if role == q.role else W.ROLE_WRONG
            if role == q.role and not q.negated and all(any(c.dep == "neg" for c in a.children(r)) for r in rel):
                role_score += W.POLARITY  # "who is negotiating" is not "X will not negotiate"
        else:  # the sentence has the relation but this name plays no part in it
            role_score = W.ROLE_NONE if rel and q.role and q.kind in ROLE_KINDS else 0.0
        if role and q.role == "subj" and q.kind in (Kind.PERSON, Kind.AGENT) and other_title(ev, rel):
            role_score = W.OTHER_TITLE  # "Nordkraft's project director, X" does not head Nordkraft
        if q.kind in (Kind.PERSON, Kind.ORG, Kind.AGENT, Kind.PLACE) and not (
                q.possessive and a.tokens[cand.head].dep == "poss"):  # "whose ROV": the owner is the answer
            extra += shape(a, cand)
        if q.kind is Kind.PLACE and _names_the_asked(q, a, cand):
            extra += W.FOCUS_MISS  # "where is the mine": not "San Jose" of "the San Jose mine"
        if q.kind is Kind.PLACE and a.tokens[cand.head].dep == "pobj" and \
                a.tokens[a.tokens[cand.head].head].lower in ("in", "at", "to", "from", "near", "into"):
            extra += W.PLACE_PREP
        if q.kind is not Kind.YESNO:
            extra += not_asserted(a, cand) + another_instance(q, a, cand)
        if q.named and not any(t.pos == "PROPN" or t.text[:1].isupper() and t.i > 0
                               for t in a.tokens[cand.start:cand.end]):
            extra += W.NOT_A_NAME  # "the name of the navy vessel" is not "medical supplies"
        total = (missing + W.SUPPORT * ev.support + W.TYPE_EXACT * cand.fit + role_score + near(ev, cand)
                 + echo(q, a, cand) + extra - W.RANK_DECAY * ev.rank)
        out.append(Scored(ev, cand, total, closeness_to_all(ev, cand)))
    return out


def rank(q: Question, evidence: list[Evidence]) -> list[Scored]:
    """All candidates from sufficiently supported sentences, best first."""
    floor = W.MIN_SUPPORT_OPEN if q.open else W.MIN_SUPPORT
    if q.kind is Kind.YESNO and not asks_state_now(q):  # (a newer change of state may carry less of it)
        floor = W.MIN_SUPPORT_YESNO
    out: list[Scored] = []
    for ev in evidence:
        if ev.support < floor or ev.names_missing >= W.NAME_MISSING_SHARE:
            continue  # (a sentence without the question's most specific name is about something else)
        out += score_evidence(q, ev)
    out.sort(key=lambda s: (-s.score, -s.tie))
    return out


def accepted(q: Question, best: Scored) -> bool:
    """Whether the best candidate is supported well enough to be given as the answer."""
    return best.score >= score_floor(q)


def score_floor(q: Question) -> float:
    """The score an answer of the question's type must reach (typed figures need less than names)."""
    if q.kind is Kind.YESNO and asks_state_now(q):
        return W.MIN_SCORE_STATE
    return {Kind.QUOTE: W.MIN_SCORE_QUOTE, Kind.PHRASE: W.MIN_SCORE_PHRASE, Kind.DESCRIBE: W.MIN_SCORE_PHRASE,
            Kind.TITLE: W.MIN_SCORE_TITLE,
            Kind.REASON: W.MIN_SCORE_REASON, Kind.YESNO: W.MIN_SCORE_YESNO}.get(
        q.kind, W.MIN_SCORE_BY_KIND.get(q.kind.name, W.MIN_SCORE))
