"""Slots and their values: what makes a new sentence a *change* of an earlier one.

A slot is one thing a story keeps reporting a value for. Four kinds, all read from the stored
annotation:

- `s:q:NOUN` a count or measure of a noun ("130 hostages", "the death toll rose to 93"; `counts.py`);
- `s:t:TITLE` who holds a post ("its new chief executive, Emmett Shear", "Altman will return as
  chief executive"); the value is the holder's surname;
- `s:d:NOUN` the date still to come that a thing is set for ("extended its deadline to 25 April";
  `schedules.py`);
- `s:x:NAME` what a sentence expected a named actor to do ("Burns is expected to hold another
  meeting in Cairo"), or `s:x:l:NOUN` of a known thing ("the purchases would end"); a later sentence
  that reports it done, or failed, changes it.

A value is changed only against the LATEST earlier value of the same slot (by publication time),
and `previous` names that value and its source.
"""

from __future__ import annotations

from datetime import datetime

from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.people import post_left
from bot.understand.updates import weights
from bot.understand.updates.counts import count_slots
from bot.understand.updates.facts import (
    EXPECTING,
    MODAL_AUX,
    PLACE_TAGS,
    REPORTED_PLANS,
    content_lemma,
    expected_verb,
    is_known,
    is_name,
    is_reported_plan,
    name_key,
)
from bot.understand.updates.schedules import schedule_slots
from bot.understand.updates.slot import Slot

TITLES = {
    "ceo": "chief executive", "chief executive officer": "chief executive", "chief executive": "chief executive",
    "cto": "chief technology officer", "chief technology officer": "chief technology officer",
    "cfo": "chief financial officer", "chief financial officer": "chief financial officer",
    "coo": "chief operating officer", "chief operating officer": "chief operating officer",
    "chairman": "chair", "chairwoman": "chair", "chair": "chair", "chairperson": "chair",
    "president": "president", "prime minister": "prime minister", "director": "director",
    "head": "head", "leader": "leader", "spokesman": "spokesperson", "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson", "secretary": "secretary", "minister": "minister", "governor": "governor",
    "mayor": "mayor", "commissioner": "commissioner", "chief": "chief", "judge": "judge",
    "chancellor": "chancellor", "premier": "premier", "treasurer": "treasurer", "attorney general": "attorney general",
}
# posts a government or company has many of: the post is only known with what it is of
GENERIC_TITLES = frozenset(["secretary", "minister", "director", "head", "chief", "leader", "commissioner"])
PLACE_PREPS = frozenset(["in", "to", "at"])
FORMER = frozenset(["former", "ex", "previous", "late", "onetime", "then"])


# ---- places ---------------------------------------------------------------------------------------

def place_slots(a: Annotated) -> list[Slot]:
    """Where something happens: the place after "in/to/at" on a verb or noun ("talks ... in Paris")."""
    out: list[Slot] = []
    for t in a.tokens:
        if t.dep != "pobj" or not t.ent.endswith(PLACE_TAGS):
            continue
        prep = a.tokens[t.head]
        if prep.lower not in PLACE_PREPS or prep.head == prep.i:
            continue
        head = a.tokens[prep.head]
        if head.pos not in ("VERB", "NOUN") or not head.lemma.isalpha():
            continue
        ent = a.entity_at(t.i)
        out.append(Slot(f"s:r:{head.lemma.lower()}|{prep.lower}", name_key(t)[2:],
                        f"{prep.text} {ent.text if ent else t.text}"))
    return out


# ---- what a named actor did or is ---------------------------------------------------------------------

REPORTING = frozenset(["say", "tell", "report", "add", "state", "announce", "write", "confirm", "claim", "note"])
OBJECT_DEPS = frozenset(["dobj", "attr", "acomp", "oprd", "xcomp", "prep", "pobj", "ccomp", "advmod", "neg"])


def _predicate(a: Annotated) -> int | None:
    """The main predicate: the root, or what a reporting root reports ("X said [that Y left]")."""
    root = a.root
    if a.tokens[root].lemma.lower() in REPORTING:
        inner = next((c.i for c in a.children(root) if c.dep == "ccomp"), None)
        return inner
    return root


def actor_slots(a: Annotated) -> list[Slot]:
    """The sentence's named subject and its predicate: what the actor did or is, as a slot whose
    value is the words of the predicate's complements ("Brockman is back as president")."""
    verb = _predicate(a)
    if verb is None:
        return []
    subj = next((c for c in a.children(verb) if c.dep in ("nsubj", "nsubjpass")), None)
    if subj is None or not (subj.ent.endswith(("-PERSON", "-ORG")) and is_name(a, subj)):
        return []
    lemma = a.tokens[verb].lemma.lower()
    found: set[str] = set()
    for c in a.children(verb):
        if c.dep in OBJECT_DEPS:
            lo, hi = a.subtree(c.i)
            found |= {u for i in range(lo, hi) if (u := content_lemma(a.tokens[i]))}
            found |= {name_key(a.tokens[i]) for i in range(lo, hi) if is_name(a, a.tokens[i])}
            if c.dep == "neg":
                found.add("l:not")
    if not found:
        return []
    lo, hi = a.subtree(verb)
    text = a.span(max(lo, subj.i), hi)
    return [Slot(f"s:p:{name_key(subj)[2:]}|{lemma}", " ".join(sorted(found)), text, frozenset(found))]


def differs(mine: Slot, earlier: Slot) -> bool:
    """Two things said of one actor with one predicate are different values: they share little."""
    if not mine.context or not earlier.context:
        return False
    shared = len(mine.context & earlier.context)
    return shared / min(len(mine.context), len(earlier.context)) < weights.ACTOR_SAME


# ---- who leads an operation -----------------------------------------------------------------------------

LEADING_VERBS = frozenset("lead head run coordinate oversee direct chair command conduct".split())
PART_NOUNS = frozenset("phase part stage round leg".split())  # "this phase of the search": the search


def leader_slots(a: Annotated) -> list[Slot]:
    """Who leads, runs or coordinates a thing (`s:l:NOUN`, the leader's name as the value): "the search
    is being led by Australia", "the ATSB is in charge of the search", "Ocean Infinity took over the
    search"; a later sentence naming another leader of the same thing changes it."""
    out: dict[str, Slot] = {}
    for t in a.tokens:
        kids = list(a.children(t.i))
        if any(c.dep == "neg" or c.dep == "aux" and c.lower in MODAL_AUX for c in kids):
            continue
        lemma = t.lemma.lower()
        particle = next((c.lower for c in kids if c.dep == "prt"), "")
        leader = thing = None
        if t.pos == "VERB" and (lemma in LEADING_VERBS or (lemma, particle) in (("carry", "out"), ("take", "over"))):
            if any(c.dep == "auxpass" for c in kids):  # "is being led by Australia"
                thing = next((c for c in kids if c.dep == "nsubjpass"), None)
                leader = next((g for c in kids if c.dep == "agent" for g in a.children(c.i) if g.dep == "pobj"), None)
            else:  # "Ocean Infinity took over the search", "Sawan was appointed to lead the inquiry"
                up = a.tokens[t.head] if t.dep == "xcomp" else t
                leader = next((c for c in a.children(up.i) if c.dep in ("nsubj", "nsubjpass")), None)
                thing = next((c for c in kids if c.dep == "dobj"), None)
        elif lemma == "charge" and t.dep == "pobj" and a.tokens[t.head].lower == "in":
            verb = a.tokens[a.tokens[t.head].head]  # "the ATSB is in charge of the search"
            leader = next((c for c in a.children(verb.i) if c.dep == "nsubj"), None)
            thing = next((g for c in kids if c.dep == "prep" and c.lower == "of" for g in a.children(c.i)
                          if g.dep == "pobj"), None)
        if leader is None or thing is None or thing.pos != "NOUN" or not _named(a, leader):
            continue
        if thing.lemma.lower() in PART_NOUNS:
            thing = next((g for c in a.children(thing.i) if c.dep == "prep" and c.lower == "of"
                          for g in a.children(c.i) if g.dep == "pobj" and g.pos == "NOUN"), thing)
        ent = a.entity_at(leader.i) if is_name(a, leader) else None
        name = ent.text if ent else a.span(*a.subtree(leader.i)) if leader.pos == "NOUN" else leader.text
        name = name.removeprefix("the ").removeprefix("The ")
        key = f"s:l:{thing.lemma.lower()}"
        out.setdefault(key, Slot(key, name.lower(), name))
    return list(out.values())


def _named(a: Annotated, t: Tok) -> bool:
    """A leader the reader can tell apart: a name, or a noun a name qualifies ("Malaysian authorities")."""
    return is_name(a, t) or t.pos == "NOUN" and any(
        c.dep in ("amod", "compound") and is_name(a, c) for c in a.children(t.i))


# ---- titles -----------------------------------------------------------------------------------------

def _title_at(a: Annotated, i: int) -> str | None:
    """The post named by the noun at token i with its modifiers ("chief technology officer")."""
    t = a.tokens[i]
    if t.pos not in ("NOUN", "PROPN"):
        return None
    mods = [c for c in a.children(i) if c.dep in ("amod", "compound") and c.i < i]
    if any(c.lemma.lower() in FORMER for c in a.children(i)):
        return None
    words_ = [c.lower for c in mods if c.lower not in ("new", "interim", "acting", "permanent")] + [t.lower]
    for start in range(len(words_)):
        phrase = " ".join(words_[start:])
        if phrase in TITLES:
            if TITLES[phrase] not in GENERIC_TITLES:
                return TITLES[phrase]
            # "education secretary", "secretary of state for energy": one post among many of its kind
            what = words_[:start] + [o.lemma.lower() for p in a.children(i) if p.dep == "prep" and p.lower in (
                "of", "for") for o in a.children(p.i) if o.dep == "pobj" and not is_name(a, o)]
            return f"{TITLES[phrase]}:{'-'.join(what)}" if what else None
    return None


def _person_at(a: Annotated, i: int) -> tuple[str, str] | None:
    t = a.tokens[i]
    if t.ent.endswith("-PERSON") or t.pos == "PROPN" and is_name(a, t):
        ent = a.entity_at(i)
        surface = ent.text if ent else t.text
        return name_key(t)[2:], surface
    return None


def title_slots(a: Annotated) -> list[Slot]:
    """Who holds which post: apposition, "X is the T", "X returns as T", "X was named T"."""
    out: list[Slot] = []
    for t in a.tokens:
        pairs: list[tuple[int, int]] = []
        if t.dep == "appos":
            pairs += [(t.head, t.i), (t.i, t.head)]
        if t.dep in ("attr", "oprd"):
            subj = next((c.i for c in a.children(t.head) if c.dep in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                pairs.append((subj, t.i))
        gone = ""
        if t.dep == "pobj" and a.tokens[t.head].lower == "as":
            verb = a.tokens[t.head].head
            held = a.tokens[verb]  # "sacked Kwarteng as chancellor": the parser may hang "as" on the object
            if held.dep == "dobj" and held.pos == "PROPN" and post_left(a, held.head) == "removed":
                verb = held.head
            gone = post_left(a, verb)
            deps = ("dobj", "nsubjpass") if gone == "removed" else ("nsubj", "nsubjpass")
            subj = next((c.i for c in a.children(verb) if c.dep in deps), None)
            if subj is not None:
                pairs.append((subj, t.i))
        for who, what in pairs:
            person, title = _person_at(a, who), _title_at(a, what)
            if person and title:
                org = _org_of(a, what)
                # "resigned as home secretary": the post is no longer the person's, a new value of it
                value = f"{LEFT}{person[0]}" if gone and what == t.i else person[0]
                out.append(Slot(f"s:t:{title}" + (f"@{org}" if org else ""), value, person[1]))
    return out


LEFT = "left:"  # a post's value once its holder has gone


def _org_of(a: Annotated, i: int) -> str:
    for c in a.children(i):
        if c.dep == "poss" and is_name(a, c):
            return name_key(c)[2:]
        if c.dep == "prep" and c.lower == "of":
            for o in a.children(c.i):
                if is_name(a, o):
                    return name_key(o)[2:]
    return ""


# ---- expectations ----------------------------------------------------------------------------------

REPORTED = "w:would"  # marks an expectation told as a plan with "would"


def expectation_slots(a: Annotated) -> list[Slot]:
    """What the sentence expects named actors to do: one slot per name in the expected clause."""
    verb = expected_verb(a)
    if verb is None:
        return []
    lo, hi = a.subtree(verb)
    subj = next((c.i for c in a.children(a.tokens[verb].head) if c.dep in ("nsubj", "nsubjpass")), None)
    if subj is not None:
        lo = min(lo, a.subtree(subj)[0])
    clause = range(lo, hi)
    lemmas = frozenset(u for i in clause if (u := content_lemma(a.tokens[i])))
    names = {name_key(a.tokens[i]) for i in clause if is_name(a, a.tokens[i])} | _speaker_names(a, verb, subj)
    text = a.span(lo, hi)
    # what the verb acts on: its object or prepositional object ("decided on a proposed deal"), with
    # the words that make it that thing ("proposed")
    heads = [c for c in a.children(verb) if c.dep in ("dobj", "attr", "oprd")] + [
        o for p in a.children(verb) if p.dep == "prep" for o in a.children(p.i) if o.dep == "pobj"]
    objects = frozenset("o:" + t.lemma.lower() for h in heads for t in (h, *a.children(h.i))
                        if t is h or t.dep in ("amod", "compound"))
    plan = frozenset([REPORTED]) if is_reported_plan(a, verb) else frozenset()
    context = lemmas | frozenset(names) | objects | plan
    climb = [verb]  # "the report is due to be published": the subject of "is"
    while len(climb) < 3 and a.tokens[climb[-1]].dep in ("xcomp", "acomp") and a.tokens[climb[-1]].head != climb[-1]:
        climb.append(a.tokens[climb[-1]].head)
    things = _known_things(a, climb)  # "the purchases would end": the purchases
    return [Slot(f"s:x:{n[2:]}", a.tokens[verb].lemma.lower(), text, context) for n in names] + [
        Slot(f"s:x:{u}", a.tokens[verb].lemma.lower(), text, context) for u in things]


def _speaker_names(a: Annotated, verb: int, subj: int | None) -> set[str]:
    """The name of who announced the plan, when the plan's doer is told by a pronoun ("Yost said his
    office was preparing to sue", "Norfolk Southern said it would pay"): the actor the outcome names."""
    if subj is None:
        return set()
    doer = a.tokens[subj]
    if doer.tag != "PRP" and not any(c.dep == "poss" and c.tag == "PRP$" for c in a.children(subj)):
        return set()
    t = a.tokens[verb]
    while t.dep == "xcomp" and _expecting(a, t.head):  # "was preparing [to sue]"
        t = a.tokens[t.head]
    if t.dep != "ccomp" or a.tokens[t.head].lemma.lower() not in REPORTED_PLANS:
        return set()
    speaker = next((c for c in a.children(t.head) if c.dep == "nsubj"), None)
    if speaker is None:
        return set()
    return {name_key(a.tokens[i]) for i in range(*a.subtree(speaker.i)) if is_name(a, a.tokens[i])}


def _expecting(a: Annotated, verb: int) -> bool:
    """A verb of planning whose clause is the plan ("is preparing to sue"), not a deed with a purpose
    ("set up a new bank to hold the deposits")."""
    return a.tokens[verb].lemma.lower() in EXPECTING and not any(c.dep in ("dobj", "prt") for c in a.children(verb))


def _known_things(a: Annotated, verbs: list[int]) -> list[str]:
    """The lemma units of the known nouns ("the report", "its review") the verbs act on or are done by."""
    out: list[str] = []
    for v in verbs:
        for c in a.children(v):
            if c.dep in ("nsubj", "nsubjpass", "dobj") and c.pos == "NOUN" and is_known(a, c) and \
                    (u := content_lemma(c)) and u not in out:
                out.append(u)
    return out


def done_things(a: Annotated) -> list[str]:
    """The known nouns of the main clauses the sentence tells as done ("the purchases ended"): what an
    earlier expectation about them may have looked ahead to."""
    verbs = [t.i for t in a.tokens if (t.i == a.root or t.head == a.root and t.dep in ("ccomp", "conj"))
             and t.pos == "VERB" and carried_out(a, t.lemma.lower())]
    return _known_things(a, verbs)


def resolves(units: set[str], expectation: Slot) -> bool:
    """A sentence (its units) reports what an earlier expectation was about: it shares the expected
    verb or its object ("hold another meeting": "met") and enough other names and words; sharing
    only the setting ("an offensive in Rafah ... will blow up the talks") resolves nothing."""
    shared = units & expectation.context
    lemmas = [u for u in units if u.startswith("l:") and u not in shared]
    related = {e for e in expectation.context - shared if e.startswith("l:") and any(_related(e, u) for u in lemmas)}
    core = {"l:" + expectation.value}
    if REPORTED not in expectation.context:  # a plan told with "would" is carried out with its own verb
        core |= {"l:" + c[2:] for c in expectation.context if c.startswith("o:")}
    return bool((shared | related) & core) and len(shared | related) >= weights.EXPECT_ANCHORS + 1


def carried_out(a: Annotated, lemma: str) -> bool:
    """The sentence tells the verb as done: "Biden visited Surfside", "the report was published" (not
    "they may join", "plans to visit")."""
    return any(t.lemma.lower() == lemma and t.tag in ("VBD", "VBN") and not any(
        c.lower in MODAL_AUX and c.dep == "aux" or c.dep == "neg" for c in a.children(t.i)) for t in a.tokens)


def _related(a: str, b: str) -> bool:
    """Two lemmas of one word family ("meet"/"meeting", "propose"/"proposal"): a long shared start."""
    short, long = sorted((a[2:], b[2:]), key=len)
    stem = short[:-1] if short.endswith("e") else short
    return len(stem) >= 4 and long.startswith(stem)


def slots_of(a: Annotated, published: datetime | None = None) -> list[Slot]:
    """Every slot value the sentence gives (posts first: a post changing hands is the change to report,
    not a figure beside it; then counts, places, what named actors did, expectations)."""
    return (title_slots(a) + leader_slots(a) + count_slots(a, published) + schedule_slots(a, published)
            + place_slots(a) + actor_slots(a) + expectation_slots(a))
