"""Every weight and threshold of update detection, in one place, each with why it has its value.

Fractions are of a sentence's weighted fact units (see `facts.py`): entities, numbers, quote
pieces, dates and content lemmas. Counts bound how much of the story one sentence may look at,
so that judging an article costs the same on a story of ten articles or of ten thousand.
"""

from __future__ import annotations

# ---- weights of fact units: names, numbers and quotations carry a story's facts ------------------
ENTITY_WEIGHT = 2.0  # a proper name ("Burns", "Cairo") is what a reader scans for
NUMBER_WEIGHT = 2.0  # a figure (130 hostages) is the most checkable fact
QUOTE_WEIGHT = 2.0  # a quotation, shared out among its pieces (see QUOTE_SHINGLE)
DATE_WEIGHT = 1.0  # a resolved calendar day: "on Tuesday" in two articles of one week
LEMMA_WEIGHT = 1.0  # a content word (noun, verb, adjective) by its lemma

# ---- how often the story said a name or word before: the ones it keeps repeating identify nothing --
COUNT_CAP = 12  # earlier mentions counted per unit (a bounded count)
COMMON_SCALE = 3.0  # weight x 1 / (1 + mentions / COMMON_SCALE): said 3 times before halves it
COMMON_FLOOR = 0.25  # ... but never below a quarter

# ---- the new/repeat decision ----------------------------------------------------------------------
REPEAT_SINGLE = 0.72  # one earlier sentence holds this share of a sentence: said before
REPEAT_PAIR = 0.82  # two earlier sentences together hold this share: said before, split in two
REPEAT_SCATTERED = 0.8  # the compared earlier sentences together hold this share, names and numbers all: said before
RECAP_COVER = 0.45  # a past-perfect recap ("had invited") that an earlier sentence holds this much of: said before
PAIR_MEMBER = 0.3  # each of those two must hold at least this much on its own
SYNDICATED_SHARE = 0.6  # share of an article's facts repeating one earlier article: a rewritten wire copy
MIN_CONTENT = 5  # content lemmas a sentence without names, numbers or quotes needs to be a fact
MIN_UNITS = 2  # units any fact needs (a lone name is a fragment, not a fact)

# ---- bounded look-ups: the flat cost ---------------------------------------------------------------
LOOKUP_KEYS = 12  # fact keys of one sentence looked up in the story's index (the most specific first)
PER_KEY = 6  # earlier sentences fetched per key, newest first
CANDIDATES = 16  # earlier sentences whose units are compared in full, best overlap first
PAIR_POOL = 6  # how many of the best single covers are tried in pairs
PER_SLOT = 6  # earlier values fetched per slot, newest first, to find the latest comparable one
QUOTE_SHINGLE = 4  # words per quote piece: a quote is covered piece by piece

# ---- the changed judgement -------------------------------------------------------------------------
SLOT_CONTEXT = 1  # context lemmas two counts of the same noun must share to be one slot
VALUE_RATIO = 3.0  # two counts further apart than this factor are different quantities, not a revision
VALUE_RATIO_ONE_STATE = 10.0  # the same for two counts of those in one named state ("under investigation")
PLACE_COVER = 0.5  # share of a sentence its earlier version must hold for another place to be a move
ACTOR_SAME = 0.5  # share of complement words two statements about one actor and predicate share to be the same
REVISION_FILLER = 5  # words allowed between "from"/"not"/"than" and the old figure ("from earlier estimates of about")
EXPECT_ANCHORS = 2  # lemmas/names an outcome must share with an expectation to resolve it

# ---- salience: what an editor wants to see first ---------------------------------------------------
SALIENCE_NUMBER = 1.5  # per new number (up to 3)
SALIENCE_NAME = 1.0  # per new name (up to 4)
SALIENCE_WORD = 0.25  # per other new word (up to 8)
SALIENCE_QUOTE = 1.0  # per quotation (up to 2)
SALIENCE_TERM = 0.5  # per story term mentioned (up to 4)
SALIENCE_CHANGE = 3.0  # a changed fact outranks a new one
GIST_WORDS = 12  # words of an earlier sentence quoted as the state a "now ..." sentence changed
