"""Typed answer candidates cut from one stored sentence's annotation (no re-parsing).

Each extractor returns `Candidate`s of one type: named entities by label (people,
organisations), role nouns, subjects and objects of a relation, noun phrases, appositions and
titles. Places and times live in `places_times.py`, quantities in `quantities.py`, quotations,
speech complements and reasons in `statements.py`. Spans are whole phrases cut along the
dependency tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.understand.answer import weights as W
from bot.understand.answer.vocabulary import (
    ORG_NOUNS,
)
from bot.understand.language.annotation import Annotated, Entity
from bot.understand.language.people import PERSON_NOUNS

PERSON_LABELS = frozenset(["PERSON"])
ORG_LABELS = frozenset(["ORG"])
AGENT_LABELS = frozenset(["PERSON", "ORG", "GPE", "NORP"])
PLACE_LABELS = frozenset(["GPE", "LOC", "FAC"])
NAME_LABELS = frozenset(["PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"])
_LEFT_DEPS = frozenset(["det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "advmod", "case", "predet"])
TITLE_WORDS = PERSON_NOUNS | ORG_NOUNS | frozenset(["'s"])
_TITLE_DEPS = frozenset(["compound", "amod", "nmod", "poss", "case", "punct"])
_LEADING_DROP = frozenset(["the", "a", "an", "both", "this", "that", "these", "those", ",", "and", "-"])


@dataclass(frozen=True)
class Candidate:
    """A phrase of the sentence offered as the answer: tokens [start, end), its head token and type fit."""

    start: int
    end: int
    text: str
    head: int
    fit: float  # 1.0 exactly the expected type, lower when it fits loosely
    value: str = ""  # a normal form for comparing sources ("136", "qatar and egypt")
    speaker: str = ""  # for quotes and statements: who said it
    verdict: str = ""  # a change of state that settles a yes/no question: "yes" or "no"


def _clean_span(a: Annotated, start: int, end: int) -> tuple[int, int]:
    while start < end and (a.tokens[start].lower in _LEADING_DROP or a.tokens[start].pos == "PUNCT"):
        start += 1
    while end > start and (a.tokens[end - 1].pos == "PUNCT" or a.tokens[end - 1].lower in ("and", "or", ",")):
        end -= 1
    return start, end


def make(a: Annotated, start: int, end: int, head: int, fit: float, value: str = "", speaker: str = "",
         keep_article: bool = False) -> Candidate | None:
    """A candidate for tokens [start, end) with leading articles and trailing punctuation cut off."""
    opened = [t.i for t in a.tokens[start:end] if t.text == "("]
    if len(opened) > sum(t.text == ")" for t in a.tokens[start:end]) and opened[-1] > start:
        end = opened[-1]  # "Transportation Safety Board of Canada (TSB": the name without a half-open bracket
    if not keep_article:
        start, end = _clean_span(a, start, end)
    else:
        while end > start and a.tokens[end - 1].pos == "PUNCT":
            end -= 1
    if start >= end:
        return None
    text = a.span(start, end).strip(" \"“”'‘’,;:")
    if not text:
        return None
    return Candidate(start, end, text, head, fit, value or text.lower(), speaker)


def root_of(a: Annotated, start: int, end: int) -> int:
    """The token of [start, end) whose head lies outside it (the phrase's syntactic head)."""
    for t in a.tokens[start:end]:
        if not start <= t.head < end or t.head == t.i:
            return t.i
    return end - 1


def verb_of(a: Annotated, i: int) -> int:
    """The verb whose clause a token belongs to (the token itself when it is a verb, else the root)."""
    return a.clause_verb(i)


def _coordinated(a: Annotated, ent: Entity, labels: frozenset[str]) -> tuple[int, int]:
    """Extend an entity over entities coordinated with it ("Qatar and Egypt", "A, B and C")."""
    end = ent.end
    head = root_of(a, ent.start, ent.end)
    for t in a.tokens[ent.end:]:
        if t.dep in ("conj", "appos") and (ent.start <= t.head < end or t.head == head):
            other = a.entity_at(t.i)
            if other is None and ent.label == "PERSON" and t.pos == "NOUN" and t.lemma.lower() in PERSON_NOUNS:
                break  # "the captain, X, and the first officer, Y": Y holds another post
            if other is None:  # "Channel 13 and the Lebanese outlet Al-Akhbar": the name inside the conjunct
                lo, hi = a.subtree(t.i)
                other = next((e for e in a.entities if lo <= e.start and e.end <= hi and e.label in labels), None)
            if other is None and t.pos == "PROPN" and a.tokens[t.i - 1].dep in ("cc", "punct"):
                # a conjoined name the tagger missed or mislabelled
                lo, hi = noun_phrase(a, t.i, with_of=False)
                end, head = max(end, hi), t.i
                continue
            if other is None or other.label not in labels and other.label not in NAME_LABELS:
                break
            if t.dep == "appos" and other.label == "PERSON" and ent.label != "PERSON":
                break  # "the mayor of Lindale, Carlos Ortega": the person is no item of a list with the place
            end, head = max(end, other.end), t.i
        elif t.lower in (",", "and", "or") or t.dep in ("cc", "punct", "compound", "det", "poss", "amod"):
            continue
        else:
            break
    return ent.start, end


def entity_candidates(a: Annotated, labels: frozenset[str], fit: float = 1.0) -> list[Candidate]:
    """Named entities with one of `labels`, each also offered together with entities coordinated with it."""
    out: list[Candidate] = []
    covered = -1
    for ent in a.entities:
        if ent.label not in labels or ent.start < covered:
            continue
        if ent.text.lower() in TITLE_WORDS or not any(c.isalpha() for c in ent.text):
            continue  # "CTO" tagged as an organisation is a title, not a name
        stop = ent.end
        while stop < len(a.tokens) and a.tokens[stop].pos == "PROPN" and not a.tokens[stop].ent:
            stop += 1  # "Abbas" tagged, "Kamel" after it not
        last = a.tokens[stop - 1]
        if stop < len(a.tokens) and last.pos == "PROPN" and a.tokens[stop].pos == "NUM" and \
                a.tokens[stop].dep == "nummod" and a.tokens[stop].head == last.i:
            stop += 1  # "Union Local 640", "Apollo 11": the number is part of the name
        begin = ent.start
        before = a.entity_at(ent.start - 1) if ent.start > 0 else None
        if ent.label == "ORG" and before is not None and before.label == "GPE" and before.end == ent.start and \
                ent.start <= a.tokens[ent.start - 1].head < stop:
            begin = before.start  # "the UK P&I Club", "the US Coast Guard": the country is part of the name
        if stop > ent.end or begin < ent.start:
            ent = Entity(begin, stop, ent.label, a.span(begin, stop))
        start, end = _coordinated(a, ent, labels)
        if end > ent.end:
            cand = make(a, start, end, root_of(a, ent.start, ent.end), fit + W.COORDINATED)
            if cand:
                out.append(cand)
            covered = end
        cand = make(a, ent.start, ent.end, root_of(a, ent.start, ent.end), fit)
        if cand:
            out.append(cand)
    return out


# what an apposition calls a business ("Transocean, the world's largest offshore drilling contractor")
COMPANY_KINDS = frozenset("""
    contractor operator maker manufacturer producer supplier retailer lender developer carmaker automaker
    shipper conglomerate giant subsidiary
""".split())


def described_as(a: Annotated, kinds: frozenset[str], skip: frozenset[str]) -> list[Candidate]:
    """Names the sentence itself calls one of `kinds` in an apposition, whatever the tagger labelled
    them (not one of the `skip` labels): "Transocean, the world's largest offshore drilling contractor"."""
    out: list[Candidate] = []
    for ent in a.entities:
        if ent.label in skip:
            continue
        head = root_of(a, ent.start, ent.end)
        if any(c.dep == "appos" and c.pos == "NOUN" and c.lemma.lower() in kinds for c in a.children(head)):
            cand = make(a, ent.start, ent.end, head, 1.0)
            if cand:
                out.append(cand)
    return out


def nationality_phrases(a: Annotated, fit: float) -> list[Candidate]:
    """Unnamed doers a nationality or country modifies ("a Canadian aircraft", "Israeli negotiators"):
    for "who" the whole phrase answers, not the adjective alone."""
    out = []
    for ent in a.entities:
        if ent.label not in ("NORP", "GPE"):
            continue
        t = a.tokens[root_of(a, ent.start, ent.end)]
        head = a.tokens[t.head]
        if t.dep in ("amod", "compound", "nmod") and head.pos == "NOUN" and not head.ent and head.i > t.i:
            lo, hi = noun_phrase(a, head.i, with_of=False)
            cand = make(a, lo, hi, head.i, fit)
            if cand:
                out.append(cand)
    return out


def proper_name_candidates(a: Annotated, fit: float) -> list[Candidate]:
    """Runs of proper nouns the entity tagger left unlabelled ("Ines Carvalho" in some parses); a run
    right before a person's name is their title, and named with it ("Major General Chowdhury Hasan
    Sarwardy"), never alone."""
    out = []
    i = 0
    toks = a.tokens
    while i < len(toks):
        if toks[i].pos == "PROPN" and not toks[i].ent:
            j = i
            while j + 1 < len(toks) and toks[j + 1].pos == "PROPN" and not toks[j + 1].ent:
                j += 1
            name = a.entity_at(j + 1) if j + 1 < len(toks) and toks[j + 1].ent == "B-PERSON" else None
            end = name.end if name is not None else j + 1
            cand = make(a, i, end, root_of(a, i, end), fit)
            if cand and (i > 0 or j > i):  # a lone first word is capitalised anyway
                out.append(cand)
            i = j + 1
        else:
            i += 1
    return out


def noun_phrase(a: Annotated, i: int, with_of: bool = True) -> tuple[int, int]:
    """Tokens of the noun phrase headed by token i: its left modifiers, and an "of" phrase after it."""
    lo = i
    for child in a.children(i):
        if child.i < i and child.dep in _LEFT_DEPS:
            lo = min(lo, a.subtree(child.i)[0])
    hi = i + 1
    if with_of:
        for child in a.children(i):
            if child.i > i and child.dep == "prep" and child.lower == "of":
                hi = max(hi, a.subtree(child.i)[1])
    return lo, hi


def role_noun_candidates(a: Annotated, nouns: frozenset[str], fit: float) -> list[Candidate]:
    """Unnamed noun phrases whose head is one of `nouns` ("a Canadian aircraft", "the harbour master")."""
    out = []
    for t in a.tokens:
        if t.pos == "NOUN" and t.lemma.lower() in nouns and not t.ent and t.dep != "conj":
            lo, hi = noun_phrase(a, t.i)
            for c in a.children(t.i):  # "women, men over 60 and people with serious medical needs"
                if c.dep == "conj":
                    hi = max(hi, a.subtree(c.i)[1])
            cand = make(a, lo, hi, t.i, fit)
            if cand:
                out.append(cand)
    return out


def subject_phrases(a: Annotated, verbs: set[int], fit: float) -> list[Candidate]:
    """The subject (or passive agent) noun phrases of the given verbs, named or not."""
    out = []
    for v in verbs:
        for child in a.children(v):
            target = None
            if child.dep in ("nsubj",) and child.pos in ("NOUN", "PROPN"):
                target = child.i
            elif child.dep == "agent":
                target = next((g.i for g in a.children(child.i) if g.dep == "pobj"), None)
            if target is not None:
                lo, hi = noun_phrase(a, target)
                for c in a.children(target):
                    if c.dep == "conj":
                        hi = max(hi, a.subtree(c.i)[1])
                cand = make(a, lo, hi, target, fit)
                if cand:
                    out.append(cand)
    return out


def object_phrases(a: Annotated, verbs: set[int], fit: float) -> list[Candidate]:
    """The objects / complements of the given verbs, whole subtrees ("what did X do/promise")."""
    out = []
    for v in verbs:
        for child in a.children(v):
            if child.dep in ("dobj", "attr", "oprd", "ccomp", "xcomp", "acomp"):  # not the dative: who got it
                lo, hi = a.subtree(child.i)
                cand = make(a, lo, hi, child.i, fit)
                if cand:
                    out.append(cand)
            elif child.dep == "prep":
                for g in a.children(child.i):
                    if g.dep in ("pobj", "pcomp"):
                        lo, hi = a.subtree(g.i)
                        cand = make(a, lo, hi, g.i, fit * W.FIT_PREP_OBJECT)
                        if cand:
                            out.append(cand)
    return out


def described(a: Annotated, head: int) -> list[Candidate]:
    """What the sentence says a name is: its apposition, its title words, or "who heads X"."""
    out = []
    ent = a.entity_at(head)
    start, end = (ent.start, ent.end) if ent else (head, head + 1)
    root = root_of(a, start, end)
    for child in a.children(root):
        if child.dep == "appos":
            lo, hi = a.subtree(child.i)
            cand = make(a, lo, hi, child.i, 1.0, keep_article=True)
            if cand:
                out.append(cand)
        if child.dep == "relcl":
            lo, hi = a.subtree(child.i)
            if a.tokens[lo].lower in ("who", "which", "that"):
                lo += 1
            cand = make(a, lo, hi, child.i, W.FIT_DESCRIPTION, keep_article=True)
            if cand:
                out.append(cand)
    titles = [t.i for t in a.tokens[:start] if a.tokens[t.head].i in range(start, end) or
              (t.head in range(start, end) and t.dep in ("compound", "amod", "nmod"))]
    if titles:
        lo = min(a.subtree(i)[0] for i in titles)
        cand = make(a, lo, start, titles[-1], W.FIT_DESCRIPTION)
        if cand and any(t.pos == "NOUN" or t.pos == "PROPN" for t in a.tokens[lo:start]):
            out.append(cand)
    if a.tokens[root].dep == "appos":
        h = a.tokens[root].head
        lo, hi = noun_phrase(a, h)
        cand = make(a, lo, hi, h, W.FIT_DESCRIPTION, keep_article=True)
        if cand:
            out.append(cand)
    return out


def job_titles(a: Annotated, head: int) -> list[Candidate]:
    """A named person's job as the sentence gives it: a description holding a title noun
    ("the company's chief technology officer"), "X is once again its CTO", "X will return as chief
    executive", "X is back in his post as president of OpenAI"."""
    out = [c for c in described(a, head) if _has_title(a, c.start, c.end)]
    ent = a.entity_at(head)
    start, end = (ent.start, ent.end) if ent else (head, head + 1)
    root = root_of(a, start, end)
    if a.tokens[root].dep not in ("nsubj", "nsubjpass"):
        return out
    verb = a.tokens[root].head
    todo = [verb]
    while todo:
        v = todo.pop()
        for child in a.children(v):
            if child.dep == "attr" and a.tokens[v].lemma == "be" or child.dep == "pobj" and \
                    a.tokens[v].lower == "as":
                lo, hi = noun_phrase(a, child.i)
                if _has_title(a, lo, hi):
                    cand = make(a, lo, hi, child.i, 1.0)
                    if cand:
                        out.append(cand)
            elif child.dep in ("prep", "advcl", "xcomp", "conj", "acomp", "advmod") or \
                    child.dep == "pobj" and child.pos == "NOUN":
                todo.append(child.i)  # "back in his post as president", "returns as chief executive"
    return out


def _has_title(a: Annotated, start: int, end: int) -> bool:
    return any(t.lemma.lower() in PERSON_NOUNS and t.pos in ("NOUN", "PROPN") for t in a.tokens[start:end])


def title_words(a: Annotated, start: int, end: int) -> set[int]:
    """Token indices that describe a named person or body: titles, appositions, "who heads X"."""
    out: set[int] = set()
    root = root_of(a, start, end)
    for t in a.tokens:
        if t.i in range(start, end):
            continue
        if t.i < start and t.head in range(start, end) and t.dep in ("compound", "amod", "nmod", "poss"):
            out.update(range(*a.subtree(t.i)))
    i = start - 1  # the title run right before the name: "Egyptian intelligence chief Maj. Gen."
    while i >= 0 and a.tokens[i].pos in ("PROPN", "NOUN", "ADJ", "PART", "PUNCT") and \
            a.tokens[i].text not in (",", ";", ":", "(", ")", "—", "-") and a.tokens[i].dep in _TITLE_DEPS:
        out.add(i)
        i -= 1
    for child in a.children(root):
        if child.dep in ("appos", "relcl", "acl"):
            out.update(range(*a.subtree(child.i)))
    if a.tokens[root].dep == "appos":
        h = a.tokens[root].head
        out.update(range(*noun_phrase(a, h)))
    if a.tokens[root].dep == "pobj" and a.tokens[a.tokens[root].head].lower == "by":
        pass
    return out - set(range(start, end))


def is_org_like(a: Annotated, cand: Candidate) -> bool:
    """Whether a phrase's head is an organisation word ("the Coast Guard", "a law firm")."""
    return a.tokens[cand.head].lemma.lower() in ORG_NOUNS


def is_person_like(a: Annotated, cand: Candidate) -> bool:
    """Whether a phrase's head is a word for people ("officials", "the harbour master")."""
    return a.tokens[cand.head].lemma.lower() in PERSON_NOUNS
