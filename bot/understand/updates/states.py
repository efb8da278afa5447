"""A state that moved on: "the line would now reopen on November 23", "the road is no longer closed".

Counts and places have slots; a state told in words has none. A sentence whose main clause marks its
predicate with "now" or "no longer" says the state of its subject has changed since the story last
spoke of it; the earlier sentence that names the same subject and says the same matter of it (the
clause's verb or complement: "reopen") is what it changes. Only a named or nominal subject counts
(not "he", "everyone"), never a "now" inside a quotation, and never time passing ("have now been
missing for five days").

A state can also move on without "now": a clause whose verb undoes what an earlier clause did to
the same thing ("reopened its airspace" after "closed the country's airspace", "released" after
"detained") changes that earlier sentence. And a clause that reports a step that settles or moves a
matter the story already had ("the Senate approved the bill", "the search was suspended", "the court
sentenced the captain") changes the latest report of that matter.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.numbers import TIME_UNITS
from bot.understand.updates.facts import MODAL_AUX, content_lemma, is_known, is_name, name_key

_QUOTE_MARKS = frozenset(['"', "“", "”", "‘", "’", "'"])
_CLAUSES = ("ccomp", "xcomp", "conj")


def _quoted(a: Annotated, i: int) -> bool:
    return sum(1 for t in a.tokens[:i] if t.text in _QUOTE_MARKS and t.dep != "case") % 2 == 1  # not "dockers'"


def _marks_change(a: Annotated, t: Tok) -> bool:
    if t.dep != "advmod" or _quoted(a, t.i):
        return False
    return t.lower == "now" or t.lower == "longer" and t.i > 0 and a.tokens[t.i - 1].lower == "no"


def _subject(a: Annotated, verb: int) -> Tok | None:
    """The subject of the clause, climbing from a raising verb ("are now known to have died"); for
    "officials now believe (that) X ...", the subject of what is believed."""
    reported = next((c for c in a.children(verb) if c.dep == "ccomp"), None)
    k = reported.i if reported is not None else verb
    for _ in range(3):
        found = next((c for c in a.children(k) if c.dep in ("nsubj", "nsubjpass")), None)
        if found is not None:
            return found
        if a.tokens[k].dep not in _CLAUSES or a.tokens[k].head == k:
            return None
        k = a.tokens[k].head
    return None


def _passing_time(a: Annotated, verb: int) -> bool:
    """"have now been missing for five days": only time has passed."""
    for prep in a.children(verb):
        if prep.dep == "prep" and prep.lower == "for":
            obj = next((c for c in a.children(prep.i) if c.dep == "pobj"), None)
            if obj is not None and obj.lemma.lower() in TIME_UNITS:
                return True
    return False


def _predicate_units(a: Annotated, verb: int) -> frozenset[str]:
    """Content lemmas of what the clause says of its subject ("would now reopen": reopen)."""
    words = [a.tokens[verb]] + [c for c in a.children(verb) if c.dep in ("acomp", "attr", "dobj", "xcomp", "oprd")]
    return frozenset(u for u in (content_lemma(w) for w in words) if u)


def _main_clauses(a: Annotated) -> set[int]:
    """The root and the clauses hanging from it ("X said [that Y reopened]")."""
    return {a.root} | {c.i for c in a.children(a.root) if c.dep in _CLAUSES}


def _thing_units(a: Annotated, thing: Tok) -> frozenset[str]:
    """The fact units that name a subject or object: a name's own words ("Brockman", "Hawaiian
    Electric"), else the head noun's lemma ("a statue of X": the statue, not X)."""
    if is_name(a, thing):
        words = [x for x in a.children(thing.i) if x.dep == "compound" and is_name(a, x)] + [thing]
        return frozenset(name_key(x) for x in words)
    lemma = content_lemma(thing)
    return frozenset([lemma]) if lemma else frozenset()


def moved_state(a: Annotated) -> tuple[frozenset[str], frozenset[str]]:
    """The fact units of the subject whose state the main clause says moved on (name words or the
    head noun's lemma) and of what is said of it, or two empty sets when the sentence says no such
    thing."""
    main = _main_clauses(a)
    for t in a.tokens:
        if not _marks_change(a, t) or t.head not in main:
            continue
        subject = _subject(a, t.head)
        if subject is None or subject.pos not in ("NOUN", "PROPN") or _passing_time(a, t.head):
            break
        units = _thing_units(a, subject)
        if units:
            return units, _predicate_units(a, subject.head)
        break
    return frozenset(), frozenset()


# verbs that undo one another, as two sides: a clause with a verb of one side changes an earlier
# clause that did a verb of the other side to the same thing
REVERSALS = (
    (frozenset(["close", "shut", "seal", "shutter"]), frozenset(["reopen", "open"])),
    (frozenset(["suspend", "halt", "pause", "freeze", "stop"]), frozenset(["resume", "restart", "unfreeze"])),
    (frozenset(["impose", "introduce", "ban", "ground", "bar"]), frozenset(["lift", "scrap", "unground", "clear"])),
    (frozenset(["detain", "arrest", "seize", "capture", "kidnap", "abduct", "jail"]), frozenset(["release", "free"])),
    (frozenset(["begin", "start", "launch"]), frozenset(["end", "conclude", "finish"])),
)
# verbs of those whose subject is what undergoes them when they have no object ("the port reopened")
ERGATIVE = frozenset(["close", "shut", "reopen", "open", "halt", "pause", "stop", "resume", "restart", "begin",
                      "start", "end", "conclude", "finish"])


def _acted_on(a: Annotated, verb: Tok) -> Tok | None:
    """What the verb acts on: its object, or the subject of a passive ("was released")."""
    deps = ("nsubjpass",) if any(c.dep == "auxpass" for c in a.children(verb.i)) else ("dobj",)
    return next((c for c in a.children(verb.i) if c.dep in deps), None)


def _undone_thing(a: Annotated, verb: Tok) -> frozenset[str]:
    """The units of what the verb acts on, or of the subject of a verb that needs no object ("the port reopened")."""
    thing = _acted_on(a, verb)
    if thing is None and verb.lemma.lower() in ERGATIVE:
        thing = next((c for c in a.children(verb.i) if c.dep == "nsubj"), None)
    if thing is None or thing.pos not in ("NOUN", "PROPN"):
        return frozenset()
    return _thing_units(a, thing)


def reversed_states(a: Annotated) -> list[tuple[frozenset[str], frozenset[str]]]:
    """For each main clause whose verb undoes something (reopen, resume, lift, release) or does what
    another verb undoes, the units of the thing acted on and the units of the opposite verbs an
    earlier sentence about it would hold."""
    out: list[tuple[frozenset[str], frozenset[str]]] = []
    for i in sorted(_main_clauses(a)):
        verb = a.tokens[i]
        if verb.pos != "VERB" or _quoted(a, i) or any(c.dep == "neg" for c in a.children(i)):
            continue
        lemma = verb.lemma.lower()
        for one, other in REVERSALS:
            opposite = other if lemma in one else one if lemma in other else None
            thing = _undone_thing(a, verb) if opposite else frozenset()
            if opposite and thing:
                out.append((thing, frozenset("l:" + v for v in opposite)))
    return out


# verbs of a step that settles or moves a matter on: a thing the story already had, done this to
SETTLING = frozenset("""
    approve reject ratify sign pass veto block overturn uphold complete finish end conclude suspend cancel abandon
    drop scrap withdraw postpone delay extend lift resume reopen release free charge convict sentence acquit
    dismiss appoint name replace confirm rule settle agree accept expire collapse fail succeed
""".split())


def settled_things(a: Annotated) -> list[tuple[frozenset[str], str]]:
    """For each main clause reporting a settling step as done (past or perfect, not denied, not a
    possibility or plan), the units of the thing it was done to and the verb's lemma unit."""
    out: list[tuple[frozenset[str], str]] = []
    for i in sorted(_main_clauses(a)):
        verb = a.tokens[i]
        lemma = verb.lemma.lower()
        kids = list(a.children(i))
        if verb.pos != "VERB" or lemma not in SETTLING or verb.tag not in ("VBD", "VBN") or _quoted(a, i) or \
                any(c.dep == "neg" or c.dep == "aux" and c.lower in MODAL_AUX for c in kids):
            continue
        thing = _acted_on(a, verb)
        if thing is None and not any(c.dep in ("dobj", "xcomp", "ccomp") for c in kids):
            # "the talks collapsed": the subject underwent it (not "BP agreed to pay": it acted)
            thing = next((c for c in kids if c.dep == "nsubj"), None)
        if thing is not None and is_known(a, thing) and (units := _thing_units(a, thing)):
            out.append((units, "l:" + lemma))
    return out


def undone_before(a: Annotated, pool: dict[int, frozenset[str]]) -> int | None:
    """The latest earlier sentence that did to the same thing what this one undoes, or undid what it
    does again ("reopened its airspace" after "closed the country's airspace")."""
    for thing, opposite in reversed_states(a):
        about = [sid for sid, units in pool.items() if thing <= units and opposite & units]
        if about:
            return max(about)
    return None


def settled_before(said: Mapping[str, float], a: Annotated, pool: dict[int, frozenset[str]]) -> int | None:
    """The earlier sentence about the thing this one reports a settling step on ("the Senate
    approved the bill" after "the bill went to the Senate"): among those naming the thing and not
    already telling the step, the one holding most of this sentence."""
    for thing, verb in settled_things(a):
        about = [sid for sid, units in pool.items() if thing <= units and verb not in units]
        if about:
            return max(about, key=lambda sid: (len(set(said) & pool[sid]), sid))
    return None
