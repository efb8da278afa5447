"""Slots and their values: what makes a new sentence a *change* of an earlier one.

A slot is one thing a story keeps reporting a value for. Three kinds, all read from the stored
annotation:

- `s:q:NOUN` a count or measure of a noun ("130 hostages", "the death toll rose to 93"); its value
  is the number, with the words around it (the verb that governs it, the noun's modifiers) so that
  "40 hostages released" and "130 hostages held" stay different quantities;
- `s:t:TITLE` who holds a post ("its new chief executive, Emmett Shear", "Altman will return as
  chief executive"); the value is the holder's surname;
- `s:x:NAME` what a sentence expected a named actor to do ("Burns is expected to hold another
  meeting in Cairo"); a later sentence that reports it done, or failed, changes it.

A value is changed only against the LATEST earlier value of the same slot (by publication time),
and `previous` names that value and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.understand.language.annotation import Annotated, Quantity
from bot.understand.language.dates import dated_years_back
from bot.understand.language.people import COUNTED_PEOPLE
from bot.understand.updates import weights
from bot.understand.updates.facts import (
    EXPECTING,
    FUTURE_AUX,
    content_lemma,
    is_label,
    is_name,
    name_key,
    number_text,
)

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
}
# posts a government or company has many of: the post is only known with what it is of
GENERIC_TITLES = frozenset(["secretary", "minister", "director", "head", "chief", "leader", "commissioner"])
HOURS = {"minute": 1 / 60, "hour": 1, "day": 24, "night": 24, "week": 168}
# units of size and weight, and the adjectives that say which dimension a size is of
MEASURES = frozenset(["mile", "kilometre", "kilometer", "km", "metre", "meter", "foot", "feet", "yard", "pound",
                      "kg", "kilogram", "ton", "tonne", "acre", "hectare", "litre", "liter", "gallon"])
DIMENSIONS = frozenset(["deep", "wide", "long", "high", "tall", "thick", "across", "away", "off", "north", "south",
                        "east", "west", "northeast", "northwest", "southeast", "southwest"])
DEATH_NOUNS = frozenset(["toll", "death", "dead", "fatality", "victim"])
DEATH_VERBS = frozenset(["l:kill", "l:die", "l:dead"])
PEOPLE = frozenset(["people", "person", "resident", "civilian", "inhabitant"])
COUNT_WORDS = frozenset(["number", "count", "total", "tally", "figure"])  # "the number of X" counts X
PLACE_LABELS = ("-GPE", "-LOC", "-FAC")
PLACE_PREPS = frozenset(["in", "to", "at"])
FORMER = frozenset(["former", "ex", "previous", "late", "onetime", "then"])
SEP = "\t"


@dataclass(frozen=True)
class Slot:
    """One value a sentence gives for a slot: the slot key, the value, and how the text put it."""

    key: str
    value: str
    text: str
    context: frozenset[str] = frozenset()

    def stored(self) -> str:
        """The stored form of the value (value, surface text, context lemmas)."""
        return SEP.join([self.value, self.text, " ".join(sorted(self.context))])

    @classmethod
    def parse(cls, key: str, stored: str) -> Slot:
        """A slot value back from its stored form."""
        value, text, context = (stored.split(SEP) + ["", ""])[:3]
        return cls(key, value, text, frozenset(context.split()))


# ---- counts and measures --------------------------------------------------------------------------

def _counted(a: Annotated, q: Quantity) -> str:
    """The noun a quantity counts: the annotation's, else the noun it is "of" ("a majority of 170"),
    else the object or subject of the verb it is the goal of ("officials put the death toll at 89",
    "the death toll rose to 93" -> toll); "the number of missing people" counts people."""
    state = _state_counted(a, q)
    if state:
        return state
    if q.noun:
        after = a.tokens[q.end] if q.end < len(a.tokens) else None
        if q.noun in PEOPLE or after is not None and after.lemma.lower() == q.noun and after.ent.endswith("-NORP"):
            return "people"  # "1.3 million Palestinians", "a million civilians": counts of people
        return q.noun
    head = a.tokens[q.end - 1]
    up = a.tokens[head.head]
    if head.dep == "pobj" and up.lower == "of" and a.tokens[up.head].pos == "NOUN" and not q.unit:
        return _noun_counted(a, up.head)
    if head.dep == "pobj" and up.lemma.lower() in ("to", "at", "from", "by", "on"):
        verb = a.tokens[up.head]
        if verb.dep in ("prt", "advmod") and verb.pos in ("ADP", "ADV", "PART"):
            verb = a.tokens[verb.head]  # "revised the death toll down to 38"
        for dep in ("dobj", "nsubj", "nsubjpass"):
            for c in a.children(verb.i):
                if c.dep == dep and c.pos == "NOUN":
                    return _noun_counted(a, c.i)
    if head.dep == "attr":
        for c in a.children(head.head):
            if c.dep == "nsubj" and c.pos == "NOUN":
                return _noun_counted(a, c.i)
    return q.unit if q.unit and q.unit not in ("$", "£", "€") else ""


def _state_counted(a: Annotated, q: Quantity) -> str:
    """"Three were in critical condition", "two of the passengers remain in serious condition": the
    subject counts those in a state, named by the noun after "in"."""
    head = a.tokens[q.end - 1]
    if q.unit or head.dep not in ("nsubj", "nsubjpass"):
        return ""
    for prep in a.children(head.head):
        if prep.dep == "prep" and prep.lower == "in":
            state = next((o for o in a.children(prep.i) if o.dep == "pobj" and o.pos == "NOUN"), None)
            if state is not None:
                return state.lemma.lower()
    return ""


def _noun_counted(a: Annotated, i: int) -> str:
    """The noun at token i, or what it is the number of ("the number of missing people" -> people)."""
    noun = a.tokens[i].lemma.lower()
    if noun in COUNT_WORDS:
        for prep in a.children(i):
            if prep.dep == "prep" and prep.lower == "of":
                for obj in a.children(prep.i):
                    if obj.dep == "pobj" and obj.pos == "NOUN":
                        return "people" if obj.lemma.lower() in PEOPLE else obj.lemma.lower()
    return noun


def count_context(a: Annotated, q: Quantity, noun: str) -> frozenset[str]:
    """The words that say which count it is: the governing verb, verbs and modifiers on the noun."""
    found: set[str] = set()
    anchor = next((t for t in a.tokens[q.start:q.end + 2] if t.lemma.lower() == noun), a.tokens[q.end - 1])
    for c in a.children(anchor.i):
        if c.dep in ("amod", "compound", "acl", "relcl") and (lemma := content_lemma(c)):
            found.add(lemma)
    seen = 0
    node = anchor
    while node.head != node.i and seen < 6:
        node = a.tokens[node.head]
        seen += 1
        if node.pos == "VERB" and (lemma := content_lemma(node)):
            found.add(lemma)  # and what it is said to have done: "97 people are confirmed to have died"
            found |= {x for c in a.children(node.i) if c.dep == "xcomp" and (x := content_lemma(c))}
            break
    return frozenset(found - {"l:" + noun})


def _age(a: Annotated, q: Quantity) -> bool:
    """"the 28-year-old", "a 150-year-old tree": an age, never a duration the story keeps revising."""
    after = [t.lower for t in a.tokens[q.end:q.end + 3]]
    return q.unit in ("year", "month") and "old" in after


def _dimension(a: Annotated, q: Quantity) -> str:
    """What a measure measures: "35 feet deep" a depth, "280 feet wide" a width, "25 feet of water"
    water; so that a channel's depth is never revised by its width."""
    for t in a.tokens[q.end:q.end + 3]:
        if t.lemma.lower() in DIMENSIONS:
            return t.lemma.lower()
        if t.lower == "of" and t.i + 1 < len(a.tokens):
            return next((x.lemma.lower() for x in a.tokens[t.i + 1:t.i + 3] if x.pos == "NOUN"), "")
    return ""


def count_slots(a: Annotated, published: datetime | None = None) -> list[Slot]:
    """Counts and measures of nouns in the sentence, one slot value each; not ages, and not figures
    its own clause dates years before the report ("the 85 people killed in 2018")."""
    out: list[Slot] = []
    for q in a.quantities:
        noun = _counted(a, q)
        if not noun or is_label(a, q) or _age(a, q) or dated_years_back(a, q.end - 1, published):
            continue
        unit = q.unit if q.unit in ("$", "£", "€", "%") else _dimension(a, q) if noun in MEASURES else ""
        key = f"s:q:{noun}" + (f":{unit}" if unit else "")
        context = count_context(a, q, noun)
        value = q.value
        if noun in DEATH_NOUNS or noun in PEOPLE and context & DEATH_VERBS:
            key = "s:q:dead"  # "killing 210 people", "the death toll rose to 415", "93 dead"
        elif noun in HOURS:
            key, value = "s:q:time", q.value * HOURS[noun]  # "96 hours" and "less than two days": one clock
        out.append(Slot(key, number_text(value), q.text, context))
    return out


GENERIC_COUNT = "s:q:people"  # a count of some kind of people may revise an earlier count of "people"


def counts_people(key: str) -> bool:
    """A count slot of some kind of people ("hostages", "workers"; not bids, vehicles or days)."""
    noun = key[4:]
    return key.startswith("s:q:") and noun in COUNTED_PEOPLE and noun not in ("people", "person")


def comparable(mine: Slot, earlier: Slot) -> bool:
    """Two values of a count slot could be one quantity revised: sizes a revision could move between."""
    if mine.key.startswith("s:q:"):
        try:
            a, b = sorted((float(mine.value), float(earlier.value)))
        except ValueError:
            return False
        if a > 0 and b / a > weights.VALUE_RATIO or a <= 0 < b:
            return False
    return True


def same_context(mine: Slot, earlier: Slot) -> bool:
    """Two counts of one noun said in the same words around them (the verb, the noun's modifiers):
    preferred over a merely more recent count when looking for the value a count revises."""
    return not mine.context or not earlier.context or len(mine.context & earlier.context) >= weights.SLOT_CONTEXT


# ---- places ---------------------------------------------------------------------------------------

def place_slots(a: Annotated) -> list[Slot]:
    """Where something happens: the place after "in/to/at" on a verb or noun ("talks ... in Paris")."""
    out: list[Slot] = []
    for t in a.tokens:
        if t.dep != "pobj" or not t.ent.endswith(PLACE_LABELS):
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
        if t.dep == "pobj" and a.tokens[t.head].lower == "as":
            verb = a.tokens[t.head].head
            subj = next((c.i for c in a.children(verb) if c.dep in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                pairs.append((subj, t.i))
        for who, what in pairs:
            person, title = _person_at(a, who), _title_at(a, what)
            if person and title:
                org = _org_of(a, what)
                out.append(Slot(f"s:t:{title}" + (f"@{org}" if org else ""), person[0], person[1]))
    return out


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

def _expected_verb(a: Annotated) -> int | None:
    for t in a.tokens:
        if t.lemma.lower() in EXPECTING:
            x = next((c.i for c in a.children(t.i) if c.dep == "xcomp"), None)
            if x is not None:
                return x
        if t.lower in FUTURE_AUX and t.dep == "aux":
            return t.head
        if t.lower == "yet" and any(c.dep == "neg" for c in a.children(t.head)):
            return t.head
    return None


def expectation_slots(a: Annotated) -> list[Slot]:
    """What the sentence expects named actors to do: one slot per name in the expected clause."""
    verb = _expected_verb(a)
    if verb is None:
        return []
    lo, hi = a.subtree(verb)
    subj = next((c.i for c in a.children(a.tokens[verb].head) if c.dep in ("nsubj", "nsubjpass")), None)
    if subj is not None:
        lo = min(lo, a.subtree(subj)[0])
    clause = range(lo, hi)
    lemmas = frozenset(u for i in clause if (u := content_lemma(a.tokens[i])))
    names = {name_key(a.tokens[i]) for i in clause if is_name(a, a.tokens[i])}
    text = a.span(lo, hi)
    # what the verb acts on: its object or prepositional object ("decided on a proposed deal"), with
    # the words that make it that thing ("proposed")
    heads = [c for c in a.children(verb) if c.dep in ("dobj", "attr", "oprd")] + [
        o for p in a.children(verb) if p.dep == "prep" for o in a.children(p.i) if o.dep == "pobj"]
    objects = frozenset("o:" + t.lemma.lower() for h in heads for t in (h, *a.children(h.i))
                        if t is h or t.dep in ("amod", "compound"))
    return [Slot(f"s:x:{n[2:]}", a.tokens[verb].lemma.lower(), text, lemmas | frozenset(names) | objects)
            for n in names]


def resolves(units: set[str], expectation: Slot) -> bool:
    """A sentence (its units) reports what an earlier expectation was about: it shares the expected
    verb or its object ("hold another meeting": "met") and enough other names and words; sharing
    only the setting ("an offensive in Rafah ... will blow up the talks") resolves nothing."""
    shared = units & expectation.context
    lemmas = [u for u in units if u.startswith("l:") and u not in shared]
    related = {e for e in expectation.context - shared if e.startswith("l:") and any(_related(e, u) for u in lemmas)}
    core = {"l:" + expectation.value} | {"l:" + c[2:] for c in expectation.context if c.startswith("o:")}
    return bool((shared | related) & core) and len(shared | related) >= weights.EXPECT_ANCHORS + 1


def _related(a: str, b: str) -> bool:
    """Two lemmas of one word family ("meet"/"meeting", "propose"/"proposal"): a long shared start."""
    short, long = sorted((a[2:], b[2:]), key=len)
    stem = short[:-1] if short.endswith("e") else short
    return len(stem) >= 4 and long.startswith(stem)


def slots_of(a: Annotated, published: datetime | None = None) -> list[Slot]:
    """Every slot value the sentence gives (counts, posts, expectations)."""
    return count_slots(a, published) + title_slots(a) + place_slots(a) + actor_slots(a) + expectation_slots(a)
