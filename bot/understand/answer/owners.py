"""Whose figure or act a candidate is: the question names a party (an owner of the counted noun,
the doer of its verb, a name in the figure's clause) and a candidate belonging to another party
is marked down ("how many Tory seats" is not answered by "10 seats for the SNP")."""

from __future__ import annotations

import re

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import Candidate
from bot.understand.answer.question import Question
from bot.understand.answer.relation import initials
from bot.understand.answer.vocabulary import SPEECH_VERBS, related
from bot.understand.language.annotation import Annotated, Tok


def proper_words(a: Annotated, i: int) -> set[str]:
    """The lemmas of the names in the phrase under token i (who a noun is "for" or "of")."""
    lo, hi = a.subtree(i)
    return {t.lemma.lower() for t in a.tokens[lo:hi] if t.pos == "PROPN" or t.ent.endswith(("NORP", "ORG", "GPE"))}


def other_owner(q: Question, a: Annotated, cand: Candidate) -> float:
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
                    got |= proper_words(a, g.i)
    if not got and noun.dep == "dobj":  # "Reform UK is forecast to win 13 seats": the winner owns them
        verb = a.tokens[noun.head]
        for c in a.children(verb.i):  # "forecasts 10 seats for the Greens", "for" read as the verb's
            if c.dep == "prep" and c.lower == "for" and c.i == cand.end:
                got |= {w for g in a.children(c.i) if g.dep == "pobj" for w in proper_words(a, g.i)}
        for subject in ([] if got else _subject_of_verb(a, verb.i)):
            got |= proper_words(a, subject.i)
    if got and not any(w == x or related(w, x) for w in want for x in got):
        return W.OTHER_OWNER
    return 0.0


def _named_doer(a: Annotated, verb: int) -> list[str]:
    """The name that is the active subject of a verb, word by word ("Toyota raised pay"; none for "the
    strike by the UAW", whose head is no name)."""
    if any(c.dep == "auxpass" for c in a.children(verb)):
        return []  # "was Verrow fined": the subject is who it was done to
    for s in (c for c in a.children(verb) if c.dep == "nsubj"):
        if s.pos == "PROPN" or s.ent.endswith(("ORG", "PERSON", "GPE", "NORP")):
            return _name_words(a, s)
    return []


def _name_words(a: Annotated, t: Tok) -> list[str]:
    """A name word by word, its compound names first ("Peace and Security Council", "African Union")."""
    words = [c for c in a.children(t.i) if c.dep == "compound" and c.pos == "PROPN"] + [t]
    return [w.lower for w in sorted(words, key=lambda w: w.i)]


def _same_name(one: list[str], other: list[str]) -> bool:
    return any(w == x or related(w, x) for w in one for x in other) or len(one) == 1 and one[0] == initials(other)


def _names_in_clause(a: Annotated, verb: int) -> set[str]:
    """The names of organisations and people in one clause (not in clauses below it)."""
    return {t.lower for t in a.tokens if a.clause_verb(t.i) == verb and t.ent.endswith(("ORG", "PERSON"))}


def other_named(q: Question, a: Annotated, cand: Candidate) -> float:
    """"What share of GM voters approved" is not answered by "the Ford agreement was approved by
    69%": the figure's clause names another party and the sentence never names the one asked about."""
    asked = {x.text.lower() for x in q.anchors if x.proper and x.text[:1].isupper()}
    if not asked:
        return 0.0
    named = _names_in_clause(a, a.clause_verb(cand.head))
    words = {t.lower for t in a.tokens}
    # an initialism ("SBF") may be a name the sentence spells out ("Bankman-Fried": the last letters)
    words |= {initials(re.split(r"[\s-]+", e.text.lower())) for e in a.entities}

    def near(w: str, x: str) -> bool:
        return w == x or related(w, x) or min(len(w), len(x)) >= 4 and (w.startswith(x) or x.startswith(w)) or \
            len(x) >= 2 and w.endswith(x) and w.isalpha() and len(w) <= 5

    if named and not any(near(w, x) for w in asked for x in words):
        return W.OTHER_ACTOR
    return 0.0


def other_actor(q: Question, a: Annotated, cand: Candidate) -> float:
    """"What raise did Ford agree to" is not answered by "Toyota said it would raise pay by 9%": the
    clause that gives the figure has another named doer than the question's."""
    verb = next((t for t in q.parsed.tokens if t.lemma.lower() == q.relation and t.pos in ("VERB", "AUX")), None)
    if verb is None or q.relation in SPEECH_VERBS:
        return 0.0  # "how much did Ellison say Alameda took": the figure is not the speaker's
    want = _named_doer(q.parsed, verb.i)
    if not want:
        return 0.0
    k = a.clause_verb(cand.head)  # the clause the figure sits in
    got = _named_doer(a, k)
    pronoun = any(c.dep == "nsubj" and c.pos == "PRON" for c in a.children(k))
    if not got and pronoun and a.tokens[k].dep in ("ccomp", "xcomp", "conj"):
        got = _named_doer(a, a.tokens[k].head)  # "Toyota said it would ...": who "it" is
    owner = _doer_owner(a, k)  # "the African Union's council" acts for the AU
    if got and not _same_name(want, got) and not _same_name(got, want) and \
            not (owner and (_same_name(want, owner) or _same_name(owner, want))):
        return W.OTHER_ACTOR
    return 0.0


def _doer_owner(a: Annotated, verb: int) -> list[str]:
    """The name owning the verb's named subject, word by word ("the African Union's Peace and Security
    Council": african union)."""
    for s in (c for c in a.children(verb) if c.dep == "nsubj"):
        for o in (c for c in a.children(s.i) if c.dep == "poss" and c.pos == "PROPN"):
            return _name_words(a, o)
    return []


def _subject_of_verb(a: Annotated, verb: int) -> list[Tok]:
    """The verb's subject, or for "is forecast to win" the subject of the verb controlling it."""
    for k in (verb, a.tokens[verb].head if a.tokens[verb].dep == "xcomp" else verb):
        subjects = [c for c in a.children(k) if c.dep in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects
    return []


_ANOTHER = frozenset(["another", "separate", "second"])


def another_instance(q: Question, a: Annotated, cand: Candidate) -> float:
    """"Another train derailed in Springfield, when about 28 cars left the track" tells of a second
    event like the story's, not the one asked about, unless the question asks about another."""
    if any(t.lower in _ANOTHER | {"other"} for t in q.parsed.tokens):
        return 0.0
    k, seen = cand.head, 0
    while seen < 6:  # the subjects of the candidate's clause and of the clauses it hangs from
        verb = a.clause_verb(k)
        for subj in a.children(verb):
            if subj.dep in ("nsubj", "nsubjpass") and any(
                    c.lower in _ANOTHER and c.dep in ("det", "amod") for c in a.children(subj.i)):
                return W.ANOTHER_INSTANCE
        if a.tokens[verb].head == verb:
            break
        k, seen = a.tokens[verb].head, seen + 1
    return 0.0
