"""Count and measure slots: "130 hostages", "the death toll rose to 93", "35 feet deep".

A count's slot is the noun it counts (with its unit for sums and percentages, and its dimension for
sizes); its value is the number, with the words around it (the verb that governs it, the noun's
modifiers) so that "40 hostages released" and "130 hostages held" stay different quantities.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.understand.language.annotation import Annotated, Quantity, Tok
from bot.understand.language.dates import dated_years_back
from bot.understand.language.numbers import MONEY_UNITS, TIME_UNITS, UNIT_NOUNS, is_increment
from bot.understand.language.people import COUNTED_PEOPLE
from bot.understand.updates import weights
from bot.understand.updates.facts import LIGHT_LEMMAS, PLACE_TAGS, content_lemma, is_label, number_text
from bot.understand.updates.slot import Slot

TIME_SLOT = "s:q:time"  # every time elapsed, in hours, on one clock ("@NOUN": the length of a thing)
BARE_PERCENT = "s:q:%:%"  # a percentage of nothing the sentence names
HOURS = {"minute": 1 / 60, "hour": 1, "day": 24, "night": 24, "week": 168}
# units of size and weight, and the adjectives that say which dimension a size is of
MEASURES = UNIT_NOUNS | {"pound"}
DIMENSIONS = frozenset(["deep", "wide", "long", "high", "tall", "thick", "across", "away", "off", "north", "south",
                        "east", "west", "northeast", "northwest", "southeast", "southwest"])
DEATH_NOUNS = frozenset(["toll", "death", "dead", "fatality", "victim"])
DEATH_VERBS = frozenset(["l:kill", "l:die", "l:dead"])
DEAD_KEY = "s:q:dead"
GROWTH_VERBS = frozenset("l:rise l:climb l:jump l:grow l:increase l:swell l:soar l:double l:triple".split())
PEOPLE = frozenset(["people", "person", "resident", "civilian", "inhabitant"])
SUM_NOUNS = frozenset(["amount", "sum"])  # "the amount set aside": a sum known by what was done with it
SUM_MARK = "v-"  # a count slot's noun that is a verb a sum was the object of
NAMED = "n:"  # a sum slot's context item for a name in its sentence
_PARTY_TAGS = ("-ORG", "-PERSON", "-GPE", "-NORP")
COUNT_WORDS = frozenset(["number", "count", "total", "tally", "figure"])  # "the number of X" counts X
# prepositions whose object is a level a verb's subject or object reaches ("rose above $1.12")
GOAL_PREPS = frozenset(["to", "at", "from", "by", "on", "above", "below", "under", "over", "around", "towards",
                        "toward", "near"])
KINDED_NOUNS = frozenset(["rate", "yield", "price"])  # nouns whose kind is in the noun before them
LEVEL_NOUNS = frozenset(["low", "high", "level", "peak", "record"])  # "fell to a record low of $1.03"
# verbs whose object is a level their subject has reached ("the toll passed 7,800", "now exceeds 47,000")
PASSING_VERBS = frozenset(["pass", "exceed", "top", "surpass", "reach", "cross", "near", "approach"])


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
    if q.unit in MONEY_UNITS and (named := _sum_in(a, head)):
        return named
    up = a.tokens[head.head]
    level = up.lower == "of" and a.tokens[up.head].lemma.lower() in LEVEL_NOUNS  # "a record low of $1.03"
    if head.dep == "pobj" and up.lower == "of" and a.tokens[up.head].pos == "NOUN" and not level and (
            not q.unit or q.unit in MONEY_UNITS):  # "a break-up fee of $3bn": the fee
        return _noun_counted(a, up.head)
    if q.unit == "%" and head.dep == "pobj" and up.lower == "on" and (named := _share_holder(a, up)):
        return named
    if head.dep == "pobj" and (up.lemma.lower() in GOAL_PREPS or level):
        verb = _goal_verb(a, up.i)
        for dep in ("dobj", "nsubj", "nsubjpass"):
            for c in a.children(verb.i):
                if c.dep == dep and c.pos == "NOUN":
                    return _noun_counted(a, c.i)
                if dep == "nsubj" and c.dep in ("nsubj", "csubj") and c.tag == "VBG":
                    # "borrowing under the scheme rose to $64.4bn": the borrowing, the sum "borrowed"
                    return _sum_verb(a, c) if q.unit in MONEY_UNITS else c.lower
        if verb.dep == "acl" and a.tokens[verb.head].pos == "NOUN":  # "the pound, ..., ended at $1.08"
            return _noun_counted(a, verb.head)
    if head.dep == "dobj" and up.lemma.lower() == "cost" and q.unit in MONEY_UNITS:
        return "cost"  # "the strike has cost the economy more than $4 billion": what it cost
    if head.dep == "dobj" and up.lemma.lower() in PASSING_VERBS and (not q.unit or q.unit in MONEY_UNITS):
        for c in a.children(up.i):
            if c.dep == "nsubj" and c.pos == "NOUN":
                return _noun_counted(a, c.i)
    if head.dep == "dobj" and up.pos == "VERB" and q.unit in MONEY_UNITS and up.lemma.lower() not in LIGHT_LEMMAS:
        return _sum_verb(a, up)  # "had set aside 16.2 billion euros": the sum is what was set aside
    if q.unit == "%" and head.dep in ("compound", "amod", "nmod") and up.pos == "NOUN":
        return _noun_counted(a, up.i)  # "a 25% pay rise", "a 9.2% stake": the rise, the stake
    if q.unit == "%":  # "51 percent of gas stations": a share of the stations
        share_of = next((o for p in a.children(head.i) if p.dep == "prep" and p.lower == "of"
                         for o in a.children(p.i) if o.dep == "pobj" and o.pos == "NOUN"), None)
        if share_of is not None:
            return _noun_counted(a, share_of.i)
    if head.dep == "attr":
        for c in a.children(head.head):
            if c.dep == "nsubj" and c.pos == "NOUN":
                return _noun_counted(a, c.i)
    return q.unit if q.unit and q.unit not in MONEY_UNITS else ""


def _sum_in(a: Annotated, head: Tok) -> str:
    """The noun a sum is told "in" or "of" ("$95 billion in damage", "$90bn of damage", "$2bn in
    aid"): what the sum is, whatever verb carries it; not a time ("$500m in the first quarter")."""
    for prep in a.children(head.i):
        if prep.dep == "prep" and prep.lower in ("in", "of"):
            for obj in a.children(prep.i):
                if obj.dep == "pobj" and obj.pos == "NOUN" and obj.lemma.lower() not in TIME_UNITS and \
                        not obj.ent.endswith("-DATE"):
                    return _noun_counted(a, obj.i)
    return ""


def _share_holder(a: Annotated, on: Tok) -> str:
    """Whose share a poll puts "on" a percentage ("puts Labour on 39%", "the Conservatives on 21%"):
    the name, so each party's share is its own count."""
    holder = a.tokens[on.i - 1] if on.i > 0 else on
    return holder.lower if holder.pos == "PROPN" and holder.dep in ("dobj", "conj", "nsubj", "pobj") else ""


def _goal_verb(a: Annotated, prep: int) -> Tok:
    """The verb a figure is the goal of, climbing prepositions and level nouns between them ("fell to
    below $1.09", "fell to a record low of $1.03", "revised the death toll down to 38")."""
    verb = a.tokens[a.tokens[prep].head]
    for _ in range(4):
        if verb.pos == "ADP" and verb.dep == "prep" or verb.dep in ("prt", "advmod") and verb.pos in ("ADP", "ADV",
                                                                                                      "PART"):
            verb = a.tokens[verb.head]
        elif verb.pos == "NOUN" and verb.lemma.lower() in LEVEL_NOUNS and verb.dep == "pobj":
            verb = a.tokens[a.tokens[verb.head].head]
        else:
            break
    return verb


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
                    if obj.dep == "pobj" and obj.pos == "PROPN" and obj.ent.endswith("-NORP"):
                        return "people"  # "the number of Canadians affected"
                    if obj.dep == "pobj" and (obj.pos == "NOUN" or obj.pos == "ADJ" and obj.tag == "JJ"):
                        # ("the number of dead": those the adjective names)
                        return "people" if obj.lemma.lower() in PEOPLE else obj.lemma.lower()
        added = _added_noun(a)
        if added:
            return added  # "found 2.4 million more Americans, bringing the total to 147.9 million"
    if noun in SUM_NOUNS:  # "the amount set aside": what was done with it names the sum
        verb = next((c for c in a.children(i) if c.dep == "acl" and c.pos == "VERB"), None)
        if verb is not None:
            return _sum_verb(a, verb)
    if noun in KINDED_NOUNS:  # "the unemployment rate" and "the interest rate" are two slots
        kind = [c.lemma.lower() for c in a.children(i) if c.dep == "compound" and c.pos == "NOUN"]
        return " ".join([*kind, noun])
    return noun


def _sum_verb(a: Annotated, verb: Tok) -> str:
    """A sum named by what was done with it: the verb's lemma with its particle ("set+aside")."""
    particle = next((c.lower for c in a.children(verb.i) if c.dep == "prt"), "")
    return SUM_MARK + verb.lemma.lower() + (f"+{particle}" if particle else "")


def _added_noun(a: Annotated) -> str:
    """What an increment in the sentence counts ("2.4 million more Americans": people), or ""."""
    for t in a.tokens[1:-1]:
        if t.lower == "more" and a.tokens[t.i - 1].pos == "NUM":
            nxt = a.tokens[t.i + 1]
            if nxt.pos == "PROPN" and nxt.ent.endswith("-NORP") or nxt.lemma.lower() in PEOPLE:
                return "people"
            if nxt.pos == "NOUN":
                return nxt.lemma.lower()
    return ""


def count_context(a: Annotated, q: Quantity, noun: str) -> frozenset[str]:
    """The words that say which count it is: the governing verb, verbs and modifiers on the noun."""
    found: set[str] = set()
    near = next((t for t in a.tokens[q.start:q.end + 2] if t.lemma.lower() == noun), None)
    # "the number of people killed ... rose to 154": the noun counted sits away from the figure
    far = next((t for t in a.tokens if t.lemma.lower() == noun and t.dep == "pobj" and
                a.tokens[a.tokens[t.head].head].lemma.lower() in COUNT_WORDS), None)
    anchor = near or far or a.tokens[q.end - 1]
    if noun == "cost":  # who bore it: "cost the economy $4 billion", "the cost to the economy"
        found |= {x for t in a.tokens if t.lemma.lower() == "cost" for c in a.children(t.i) if c.dep == "dative"
                  and (x := content_lemma(c))}
    for c in a.children(anchor.i):
        if c.dep in ("amod", "compound", "acl", "relcl") and (lemma := content_lemma(c)):
            found.add(lemma)
            # "people known to have died": what the clause on the noun says they did
            found |= {x for g in a.children(c.i) if g.dep == "xcomp" and (x := content_lemma(g))}
    seen = 0
    node = anchor
    while node.head != node.i and seen < 6:
        node = a.tokens[node.head]
        seen += 1
        found |= _states(a, node)
        if node.pos == "VERB" and (lemma := content_lemma(node)):
            found.add(lemma)  # and what it is said to have done: "97 people are confirmed to have died"
            found |= _places(a, node)
            # ("one person was confirmed dead": the state it puts them in)
            found |= {x for c in a.children(node.i) if c.dep in ("xcomp", "acomp", "oprd") and (x := content_lemma(c))}
            break
        if node.lemma.lower() == "be" and any(c.lower == "still" for c in a.children(node.i)):
            found.add("l:remain")  # "four boys are still inside": those that remain ("still trapped": so)
            found |= {x for c in a.children(node.i) if c.dep in ("acomp", "attr") and (x := content_lemma(c))}
    return frozenset(found - {"l:" + noun})


STATE = "in:"  # a count's context item for the state its people or things are in
PLACE = "at:"  # a count's context item for the place it is of ("the death toll in Turkey")


def _places(a: Annotated, verb: Tok) -> set[str]:
    """The named places the count's verb, or its subject, is said to be in ("died in Turkey", "the
    death toll in Turkey rose", "Turkey's death toll"): a count for one country is not revised by
    one for two ("the combined toll in Turkey and Syria")."""
    holders = [verb, *(c for c in a.children(verb.i) if c.dep in ("nsubj", "nsubjpass"))]
    found = [g for h in holders for c in a.children(h.i) if c.dep == "prep" and c.lower == "in"
             for g in a.children(c.i) if g.dep == "pobj"]
    found += [c for h in holders[1:] for c in a.children(h.i) if c.dep == "poss"]
    found += [c for g in found for c in a.children(g.i) if c.dep == "conj"]
    return {PLACE + g.lemma.lower() for g in found if g.ent.endswith(PLACE_TAGS)}


def _states(a: Annotated, node: Tok) -> set[str]:
    """The state a bare noun after a preposition puts them in: "placed 20 people under investigation",
    "70 people are now under investigation", "12 still in hospital", "18,300 on strike"."""
    objects = [g for c in a.children(node.i) if c.dep == "prep" for g in a.children(c.i) if g.dep == "pobj"]
    return {STATE + lemma[2:] for g in objects if _bare(a, g) and (lemma := content_lemma(g))}


def _bare(a: Annotated, noun: Tok) -> bool:
    """A singular noun standing alone ("under investigation"), not one with a determiner or
    modifiers, nor one a preposition follows ("in exchange for", "in charge of": a preposition)."""
    return noun.pos == "NOUN" and noun.tag == "NN" and not any(
        c.dep in ("det", "poss", "nummod", "amod", "compound") or
        c.dep == "prep" and c.lower in ("of", "for", "to", "with") for c in a.children(noun.i))


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


# nouns news copy uses in turn for one thing counted, and the one slot they share
SAME_COUNT = {
    "vessel": "ship", "boat": "ship", "jet": "plane", "aircraft": "plane", "airliner": "plane",
    "employee": "worker", "staff": "worker", "striker": "worker", "mp": "seat", "lawmaker": "seat",
    "spending": "cost", SUM_MARK + "spend": "cost",
}


def count_slots(a: Annotated, published: datetime | None = None) -> list[Slot]:
    """Counts and measures of nouns in the sentence, one slot value each; not ages, not increments, and
    not figures its own clause dates years before the report ("the 85 people killed in 2018")."""
    out: list[Slot] = []
    for q in a.quantities:
        noun = _counted(a, q)
        noun = SAME_COUNT.get(noun, noun)
        if not noun or is_label(a, q) or _age(a, q) or is_increment(a, q.start, q.end) or \
                dated_years_back(a, q.end - 1, published) or _moved_from(a, q) or _one_of(a, q):
            continue
        unit = q.unit if q.unit in MONEY_UNITS or q.unit == "%" else _dimension(a, q) if noun in MEASURES else ""
        key = f"s:q:{noun}" + (f":{unit}" if unit else "")
        context = count_context(a, q, noun)
        if noun.startswith(SUM_MARK):  # a sum known only by its verb: whose sum it is, by the names about
            context |= {NAMED + t.lower for t in a.tokens if t.ent.endswith(_PARTY_TAGS)}
        value = q.value
        if noun in DEATH_NOUNS or noun in PEOPLE and context & DEATH_VERBS:
            key = DEAD_KEY  # "killing 210 people", "the death toll rose to 415", "93 dead"
        elif noun in HOURS:
            key, value = TIME_SLOT, q.value * HOURS[noun]  # "96 hours" and "less than two days": one clock
            unit = a.tokens[q.end - 1]
            if unit.dep in ("compound", "amod", "nmod") and a.tokens[unit.head].pos == "NOUN":
                key += "@" + a.tokens[unit.head].lemma.lower()  # "a five-day closure": the closure's length
        out.append(Slot(key, number_text(value), q.text, context))
    return out


def _one_of(a: Annotated, q: Quantity) -> bool:
    """"One of the poorest countries", "one of three buildings": a member picked out, not a count."""
    return q.value == 1 and q.end < len(a.tokens) and a.tokens[q.end].lower == "of"


def _moved_from(a: Annotated, q: Quantity) -> bool:
    """The figure a count moved from, named beside the one it moved to ("fell to $110.2bn, from a
    record $152.85bn", "revised down to about 8,000, from the estimate of 100,000"): the earlier
    value, not what the sentence reports."""
    if not any(t.lower == "to" for t in a.tokens):
        return False
    t = a.tokens[q.end - 1]
    for _ in range(3):
        head = a.tokens[t.head]
        if t.dep == "pobj" and head.lower == "from":
            return True
        if t.head == t.i or t.dep not in ("pobj", "prep", "nummod", "quantmod", "compound"):
            return False
        t = head
    return False


GENERIC_COUNT = "s:q:people"  # a count of some kind of people may revise an earlier count of "people"


def counts_people(key: str) -> bool:
    """A count slot of some kind of people ("hostages", "workers"; not bids, vehicles or days)."""
    noun = key[4:]
    return key.startswith("s:q:") and noun in COUNTED_PEOPLE and noun not in ("people", "person")


def comparable(mine: Slot, earlier: Slot, growing: bool = False) -> bool:
    """Two values of a count slot could be one quantity revised: sizes a revision could move between
    (further apart for the people in one named state: "20 people under investigation", then "more
    than 70", and for a count that is `growing`, see `may_grow`)."""
    if mine.key.startswith(f"s:q:{SUM_MARK}"):  # "customers pulled $100bn" (First Republic's), then "$142bn from SVB"
        mine_names, their_names = ({c for c in s.context if c.startswith(NAMED)} for s in (mine, earlier))
        if mine_names and their_names and not mine_names & their_names:
            return False
    if mine.key == BARE_PERCENT and not mine.context & earlier.context:
        return False  # "shares fell 10%" does not revise "20% of users are fake": percentages of one thing
    if mine.key.startswith("s:q:"):
        try:
            a, b = sorted((float(mine.value), float(earlier.value)))
        except ValueError:
            return False
        in_one_state = any(c.startswith(STATE) for c in mine.context & earlier.context)
        if a > 0 and b / a > (weights.VALUE_RATIO_ONE_STATE if in_one_state or growing else weights.VALUE_RATIO) \
                or a <= 0 < b:
            return False
    return True


def may_grow(mine: Slot) -> bool:
    """A toll, or a count said to have risen to its figure, may grow far in a day ("rose to 28" after
    four dead): when no earlier value is near it, one much further off is the one it revises."""
    return mine.key == DEAD_KEY or bool(mine.context & GROWTH_VERBS)


def said_alike(mine: Slot, earlier: Slot) -> bool:
    """Two head counts told with the same words around them ("15 people are still missing", then
    "two people are still missing"): one quantity, however far it moved. (Not sums, shares or
    spans of time: "fell 11%" and "fell 2%" are two days' moves, "13 days after" is time passing.)"""
    noun, _, unit = mine.key.removeprefix("s:q:").partition(":")
    return not unit and noun not in TIME_UNITS and noun != "time" and \
        len(mine.context & earlier.context) >= weights.SLOT_CONTEXT


def revisable(mine: Slot, earlier: Sequence[tuple[int, Slot]]) -> list[tuple[int, Slot]]:
    """The earlier (sentence id, value) pairs this count could revise: those of a comparable size,
    else, for a count that may grow or is told in the same words, those up to the wider factor."""
    near = [(sid, e) for sid, e in earlier if comparable(mine, e)]
    return near or [(sid, e) for sid, e in earlier
                    if (may_grow(mine) or said_alike(mine, e)) and comparable(mine, e, growing=True)]


def same_places(mine: Slot, earlier: Slot) -> bool:
    """Two counts said of the same named places, or neither of any."""
    return {c for c in mine.context if c.startswith(PLACE)} == {c for c in earlier.context if c.startswith(PLACE)}


def same_context(mine: Slot, earlier: Slot) -> bool:
    """Two counts of one noun said in the same words around them (the verb, the noun's modifiers):
    preferred over a merely more recent count when looking for the value a count revises."""
    return not mine.context or not earlier.context or len(mine.context & earlier.context) >= weights.SLOT_CONTEXT
