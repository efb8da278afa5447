"""Nouns that name people, for the answerer ("which official": a person) and the update finder
(a count of hostages may revise a count of people; a count of bids may not), and the verbs that
move a person out of a post or back into one ("stepped down", "was ousted", "was reappointed")."""

from __future__ import annotations

from bot.understand.language.annotation import Annotated

# roles, posts and relations: a noun that asks for a person, or stands for one
PERSON_NOUNS = frozenset("""
    person people man woman men women official leader chief head minister president secretary
    spokesman spokeswoman spokesperson founder executive ceo officer director chairman chair
    chairwoman cto cfo coo prosecutor lawyer attorney judge juror witness investor member boss captain pilot
    journalist reporter analyst expert negotiator mediator envoy diplomat senator lawmaker
    representative governor mayor commander general adviser advisor aide employee worker engineer
    scientist doctor victim survivor passenger customer candidate politician ambassador king queen
    prince premier chancellor cofounder co-founder partner owner manager staff staffer father mother
    son daughter wife husband brother sister child children friend cabinet detective inspector sergeant
    constable curator guard thief suspect driver firefighter nurse teacher student farmer deputy
    rescuer diver volunteer soldier sailor protester activist miner climber defendant plaintiff medic
    paramedic surgeon
    physician priest monk author writer researcher professor economist banker trader pilot crewman
    fisherman officer trooper agent hacker whistleblower campaigner organiser organizer
""".split())
# whom news copy counts, beyond roles: a count of these may revise an earlier count of "people"
COUNTED_PEOPLE = PERSON_NOUNS | frozenset("""
    hostage resident civilian prisoner detainee refugee migrant patient boy girl kid youngster adult
    teenager voter striker evacuee inhabitant pupil fan tourist visitor crew casualty mourner
    spectator pilgrim citizen national immigrant captive inmate occupant traveller traveler rider
    commuter shopper homeowner tenant member delegate participant
""".split())

# verbs whose subject leaves a post ("step" and "stand" only with "down")
LEAVING_POST = frozenset("resign quit retire leave depart step stand".split())
# verbs whose object is removed from a post
REMOVING_FROM_POST = frozenset("oust fire sack dismiss remove depose topple replace unseat".split())
# verbs whose object is put (back) in a post, and verbs whose subject comes back to one
RESTORING_TO_POST = frozenset("reappoint reinstate rehire appoint name".split())
RETURNING_TO_POST = frozenset("return rejoin".split())


def post_left(a: Annotated, verb: int) -> str:
    """How the verb moves someone out of a post: "left" when its subject goes ("resigned", "stepped
    down"; not "left Cairo", a trip), "removed" when its object is put out ("sacked", "was ousted"),
    else "" (also when negated or only wanted: "refused to step down", "its decision to fire X")."""
    v = a.tokens[verb]
    lemma = v.lemma.lower()
    kids = list(a.children(verb))
    if v.pos != "VERB" or v.dep in ("xcomp", "acl") or any(c.dep == "neg" for c in kids):
        return ""
    if lemma in REMOVING_FROM_POST:
        return "removed"
    if lemma in ("step", "stand"):
        return "left" if any(c.lower == "down" for c in kids) else ""
    trip = any(c.dep == "dobj" and (e := a.entity_at(c.i)) is not None and e.label in ("GPE", "LOC", "FAC")
               for c in kids)
    return "left" if lemma in LEAVING_POST and not trip else ""
