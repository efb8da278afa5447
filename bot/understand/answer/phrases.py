"""Candidates for open "what/which N" questions: names and phrases of the kind the question's noun
asks for ("which museum", "what kind of seat"), or failing that the relation's subject or object."""

from __future__ import annotations

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import Candidate, noun_phrase, object_phrases, subject_phrases
from bot.understand.answer.question import Question
from bot.understand.answer.relation import ROLE_FOCUS
from bot.understand.answer.vocabulary import related
from bot.understand.language.annotation import Annotated

# entity labels of things a "which N" question may be answered with by name ("the drama Stranger Things")
THING_LABELS = frozenset("ORG FAC PRODUCT WORK_OF_ART EVENT LAW".split())


def named_beside_focus(q: Question, a: Annotated) -> list[Candidate]:
    """The name beside the question's focus noun: "the ship Polar Prince", "Polar Prince, the ship",
    "the newspaper Il Corriere Alpino"."""
    out: list[Candidate] = []
    for t in a.tokens:
        if not related(t.lemma.lower(), q.focus):
            continue
        hi = t.i + 1  # "the business daily Finanzbote": a name right after the noun, however it was parsed
        while hi < len(a.tokens) and a.tokens[hi].pos == "PROPN":
            hi += 1
        if (ent := a.entity_at(t.i + 1)) is not None and ent.start == t.i + 1 and ent.label in THING_LABELS:
            hi = max(hi, ent.end)  # "the drama Stranger Things": a name of common words
        if hi > t.i + 1 and t.pos != "PROPN":  # in "Operators Union Local 640" the noun is part of the name
            out.append(Candidate(t.i + 1, hi, a.span(t.i + 1, hi), hi - 1, 1.0))
        for other in a.tokens:
            if other.head == t.i and other.dep == "compound" and (
                    t.tag == "NNS" or any(c.lower in ("a", "an") for c in a.children(t.i))):
                continue  # "Porsche models", "a Porsche model" name a maker, not the model
            if other.head == t.i and other.dep in ("appos", "compound") or t.head == other.i and t.dep in (
                    "appos", "compound"):
                ent = a.entity_at(other.i)
                lo, hi = (ent.start, ent.end) if ent else noun_phrase(a, other.i, with_of=False)
                if lo <= t.i < hi:
                    continue
                for c in a.children(other.i):  # "bidders, Corvane Rail and the Tessaly Group"
                    if c.dep == "conj":
                        hi = max(hi, a.subtree(c.i)[1])
                out.append(Candidate(lo, hi, a.span(lo, hi), other.i, 1.0))
    return out


def _model_name_before(a: Annotated, noun: int) -> bool:
    """A model's name of two words or more right before the noun says which one it is ("an Atlas V
    rocket", "a Boeing 737 Max jet"); a single name there is more often its maker ("a Kestrel model"),
    and so is a company's name ("a General Motors car")."""
    k = noun
    while k > 0 and (a.tokens[k - 1].pos in ("PROPN", "NUM") or a.tokens[k - 1].text.isupper()):
        k -= 1
    if a.tokens[noun].pos != "NOUN" or noun - k < 2 or a.tokens[k].pos != "PROPN":
        return False
    ent = a.entity_at(k)
    return not (ent is not None and ent.label == "ORG" and ent.start == k and ent.end == noun)


# what a question asks when it asks how a body divided: "how did the committee split", "what was the vote"
VOTE_WORDS = frozenset("vote split divide tally margin".split())
MAX_VOTES = 1000  # "7-6", "63-36", "217-215" are votes; "2019-2020" is not


def vote_tallies(a: Annotated) -> list[Candidate]:
    """The tallies of a vote a sentence gives: "approved the bill 7-6", "voted 63-36"."""
    out: list[Candidate] = []
    toks = a.tokens
    for t in toks[:-2]:
        dash, other = toks[t.i + 1], toks[t.i + 2]
        if t.pos == "NUM" and dash.text in ("-", "–") and other.pos == "NUM" and \
                all(x.text.isdigit() and int(x.text) < MAX_VOTES for x in (t, other)):
            out.append(Candidate(t.i, t.i + 3, a.span(t.i, t.i + 3), t.i, W.FIT_TALLY))
    return out


def asks_tally(q: Question) -> bool:
    """Whether the question asks how a vote went ("how did the FTC commissioners split on suing")."""
    return q.relation in VOTE_WORDS or q.focus in VOTE_WORDS


def phrase_candidates(q: Question, a: Annotated, rel: set[int]) -> list[tuple[Candidate, float]]:
    """Open phrases for "what/which N" questions: what names or is of the kind N, else the relation's
    subject or object; a vote's tally when the question asks how a vote went."""
    out: list[tuple[Candidate, float]] = []
    if asks_tally(q):
        out += [(c, 0.0) for c in vote_tallies(a)]
    if q.focus:
        for ent in a.entities:  # "which museum": "the Halvorsen Museum of Regional History", "Hurricane Dora"
            words = a.tokens[ent.start + (0 if ent.end - ent.start > 1 else 1):ent.end]
            if any(related(t.lemma.lower(), q.focus) for t in words):
                out.append((Candidate(ent.start, ent.end, ent.text, ent.end - 1, 1.0), W.NAMED_KIND))
        out += [(c, W.NAMED_KIND if a.tokens[c.head].pos == "PROPN" else 0.0) for c in named_beside_focus(q, a)]
        for t in a.tokens:
            if not related(t.lemma.lower(), q.focus):
                continue
            # "three C-130 aircraft and three C-17 transport planes": the whole list the focus noun is in
            first = t
            while first.dep == "conj" and a.tokens[first.head].pos in ("NOUN", "PROPN"):
                first = a.tokens[first.head]
            last = t  # "elderly hostages, women and children": the list the focus noun starts
            while (nxt := next((c for c in a.children(last.i) if c.dep == "conj" and c.pos in ("NOUN", "PROPN")),
                               None)) is not None:
                last = nxt
            joined_by = {c.lower for x in a.tokens[first.i:last.i + 1] for c in a.children(x.i) if c.dep == "cc"}
            if (first.i != t.i or last.i != t.i) and joined_by == {"and"}:  # "A, or B" restates A
                lo = noun_phrase(a, first.i, with_of=False)[0]
                hi = last.i + 1
                c = Candidate(lo, hi, a.span(lo, hi), first.i, 1.0 + W.COORDINATED)
                out.append((c, 0.0))
            # "a non-voting observer seat": what kind of seat is in its modifiers
            lo, hi = noun_phrase(a, t.i, with_of=False)
            mods = [x for x in a.tokens[lo:t.i] if x.pos in ("ADJ", "NOUN", "PROPN", "VERB") and x.dep != "poss"]
            if mods:
                start = mods[0].i
                c = Candidate(start, t.i + 1, a.span(start, t.i + 1), t.i, W.FIT_KIND_MODIFIERS)
                out.append((c, W.NAMED_KIND if _model_name_before(a, t.i) else 0.0))
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
