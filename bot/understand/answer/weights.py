"""Every weight and threshold of the answerer, in one place, each with what it does.

Scores are sums: a sentence's support (how much of the question it carries, 0..1, times
`SUPPORT`) plus the candidate's own fit (type, role, closeness). A reply needs both the sentence
and the candidate to clear their floors; otherwise the bot abstains and shows the closest sentences.
"""

from __future__ import annotations

# --- retrieval ---
RETRIEVE = 30  # sentences fetched from the store per question (BM25, best first); bounds the work
RETRIEVE_AGE = 150  # "how old is X": an age is given once, beside any mention of X, so more are read
RETRIEVE_WIDE = 20  # extra sentences fetched with the widened (derived/synonym) query
WIDE_TERMS = 14  # at most this many synonyms in the widened query (each term costs search time)
SHOW_CLOSEST = 2  # closest sentences shown when the bot abstains

# --- sentence support ---
EXACT = 1.0  # credit for a question word found in the sentence with the same lemma
DERIVED = 0.8  # credit for a derivation or listed synonym (mediate ~ mediator, head ~ lead)
PREFIX = 0.6  # credit for a shared stem of 5+ letters not covered by the rules (negotiate ~ negotiator)
SURNAME_ONLY = 0.8  # credit for a person's first name when the sentence gives the surname alone
CONTEXT = 0.6  # credit for a question word found only in the sentence before, the title or the source
DATE_MATCH = 1.0  # credit for a date the question names that matches the sentence's or its article's date
MIN_IDF = 0.3  # floor of a question word's weight (very common words still count a little)
NAME_BOOST = 2.0  # proper names in the question weigh this much more: a sentence must be about them
NAME_MISSING_SHARE = 0.35  # a sentence lacking names that hold this share of the question's weight is not evidence
MIN_SUPPORT = 0.35  # share of the question's weighted words a sentence must carry to answer from it
MIN_SUPPORT_YESNO = 0.75  # yes/no: a wrong polarity misleads, so the sentence must carry nearly all the question
MIN_SUPPORT_OPEN = 0.45  # the same for open answers (statements, reasons, phrases): stricter, they are easier to fake
VERB_WEIGHT = 0.6  # verbs are paraphrased more often than nouns and names ("knocked out" ~ "crashed")

# --- candidate fit ---
SUPPORT = 4.0  # weight of sentence support in a candidate's score
TYPE_EXACT = 1.0  # the candidate is exactly the expected type (a PERSON entity for "who")
# type fits of looser candidates (TYPE_EXACT times these)
FIT_UNTAGGED_NAME = 0.6  # a run of proper nouns the entity tagger left unlabelled
FIT_ORG_AS_PERSON = 0.6  # a name the tagger called a person, for "which firm" (it often misses companies)
FIT_ORG_NOUN = 0.4  # an unnamed organisation phrase ("a law firm") for "which company"
FIT_DOER = 0.5  # the unnamed subject of the relation, a person or body ("retired crane drivers")
FIT_NATIONALITY_PHRASE = 0.8  # an unnamed doer a nationality modifies ("a Canadian aircraft") for "who"
FIT_ROLE_NOUN = 0.3  # any unnamed person/body phrase ("officials") for "who"
FIT_RELATION_OBJECT = 0.8  # the object of a non-speech relation verb ("promised safe passage")
FIT_ROLE_PHRASE = 0.6  # the subject/object of the relation for an open "what" question
FIT_TALLY = 1.5  # a vote's tally ("approved the bill 7-6") for "how did the committee split", "what was the vote"
NAMED_KIND = 0.8  # for "which N": a name that holds N or stands beside it ("Danwon High School", "the ship Dali")
FIT_KIND_MODIFIERS = 0.7  # the modifiers of the focus noun ("non-voting observer" seat) for "what kind of"
FIT_YESNO_CLAUSE = 0.8  # the clause of the relation verb offered for a yes/no question
YESNO_WORDS = 10  # words of the clause given after Yes/No (the sentence itself is quoted below it)
STATE_WORDS = 14  # words of a change of state given for "is X still ...?" ("cleared the jet to return to ...")
YESNO_OTHER_OBJECT = -2.0  # ... when the clause of the verb holds none of what the question's verb acts on
YESNO_INDIRECT = -0.3  # ... when the relation word sits in a clause modifying a noun ("no information pointing to")
FIT_PREP_OBJECT = 0.7  # share of an object fit for a prepositional object ("put it at $5bn")
FIT_MISLABELLED_PLACE = 0.6  # a name after in/at/to that the tagger called a person or organisation
FIT_UNLABELLED_PLACE = 0.5  # a proper noun after in/at/to with no entity label
FIT_PART = 0.8  # "in the plant's tank farm" for "where in the plant": a part named with its whole
FIT_UNTIL = 0.8  # "until Sunday" for "how long will X last": the end of the state, not its length
OTHER_CLAUSE = -1.0  # a place in a clause describing a noun, away from the asked verb ("who led ... of Notre-Dame")
FIT_SPOT = 0.5  # an unnamed spot the asked verb happened in ("began in a fourth-floor flat")
FIT_PLACE_NOUN = 0.2  # an unnamed place phrase ("the town hall")
FIT_UNRESOLVED_DATE = 0.6  # a date expression that names no calendar day
FIT_DESCRIPTION = 0.9  # a relative clause, title or apposition describing a name ("who is X")
FIT_WEAK_STATEMENT = 0.7  # what was said, when it is an open complement or "about" phrase, not a clause
FIT_SAID_REASON = 0.8  # what the doer said while acting ("called off the search, saying ..."), as its reason
FIT_WEAK_REASON = 0.6  # a reason after after/amid/over/as/since/to rather than because/due to/citing
COORDINATED = 0.3  # a list of names ("A, B and C") is preferred to one of its members
ROLE_FIT = 1.2  # the candidate fills the question's role (subject of "led" for "who led")
ROLE_NONE = -0.5  # the sentence states the relation but the candidate is neither its subject nor object
OTHER_TITLE = -1.5  # the relation word is only a title of something else ("project director" for "heads")
ROLE_WRONG = -1.5  # the candidate fills the opposite role (the object of "led" for "who led")
FOCUS_FIT = 1.4  # the candidate counts/names the question's focus noun ("hostages" for "how many hostages")
SAME_ADJECTIVE = 1.0  # the figure is followed by the question's own "how" adjective ("200 metres long")
COUNT_ROLE = 0.6  # the number is the subject/object of the question's verb, or its noun carries that verb
CHANGE_AMOUNT = -1.0  # "rose by 2%" is a change, not the level asked for
INCREMENT = -3.0  # "1.2 million more customers" adds to a count; unless "how many more" is asked, not the count
WHOLE_OF_PART = -1.5  # the group a counted part is taken from ("50 of the 150 cars left"): not the part
PREDICTION = -2.0  # a poll's or forecast's figure, when the question asks what happened
DEMANDED = -3.0  # a figure someone wants or asks for ("want him to pay as much as"): not what happened
BOUND = -1.0  # "the highest turnout", "a maximum sentence of": a record or a limit, not the value asked
RATE_NOT_TOTAL = -3.0  # "$3 million a day" for "what was the total cost" (or a day's figure for "a year")
WHEN_OF_RELATION = 0.4  # the date hangs from the question's own verb ("would report by the end of January")
WHEN_SAID = -1.0  # the day of "..., the union said on Sunday" for when the event itself happens
CORRECTED = 1.0  # "corrected the toll to 16": the figure a correction or revision sets
NOT_A_NAME = -2.0  # "what is the name of the N": a phrase with no capitalised word names nothing
NOT_ASSERTED = -2.0  # the clause is not asserted: "no evidence that ...", "denied that ...", "did not say ..."
ONSET = -3.0  # for "so far/now": a figure of the sentence telling how the story began ("began with ...")
SAID_NOW = 1.0  # for "who ... now": the sentence says its relation holds now ("is now run by")
SAID_PAST = -1.0  # for "who ... now": the sentence tells its relation in the past tense ("who ran")
STALE = -1.0  # a figure someone gave before ("last month ... said", "initially reported")
HISTORIC = -1.0  # a figure its own clause dates years before the report ("in 1994, when 23 died"); for
# "now/latest" questions any such date in the sentence
TOTAL_SO_FAR = 1.5  # for "so far/in all": the figure the sentence gives as a total ("bringing the total to 7,000")
ONE_OCCASION = -1.0  # for "so far/in all": a figure told of one day or event ("arrested at Sunday's march")
ANOTHER_INSTANCE = -1.5  # "another train derailed ... when 28 cars left the track": not the story's own event
PAST_FOR_FUTURE = -2.5  # "when will X happen": a day before the report's own date is no answer
FOCUS_MISS = -2.0  # a count of some other noun than the question's
OTHER_OWNER = -4.0  # "10 seats for the Greens" for "how many Unionist seats": the count is another party's
OTHER_ACTOR = -2.0  # "Toyota said it would raise pay by 9%" for "what raise did Ford agree": another doer's figure
NEAR = 0.8  # closeness bonus scale: NEAR / (1 + distance to the nearest matched question word / NEAR_SPAN)
NEAR_SPAN = 4.0  # words over which the closeness bonus halves
ECHO = -2.5  # the candidate is (mostly) the question's own words: it cannot be the answer
ECHO_SHARE = 0.5  # share of a typed candidate's words from the question that makes it an echo
ECHO_SHARE_OPEN = 0.8  # the same for open answers (statements naturally repeat the topic)
MODIFIER = -1.0  # a name that only modifies another phrase ("US" in "US CIA chief Burns") is not the answer
PLACE_PREP = 0.4  # a place that is the object of in/at/to/from is where something happens
QUOTE_SPEAKER = 1.5  # the quotation's speaker is the person the question asks about
RELATION_MISSING = -0.5  # the sentence lacks the question's verb ("where does X work" vs "X met Y in Lisbon")
NOT_EXPECTED = -1.0  # the question asks what was expected or planned; the sentence tells nothing ahead
SUMMED = -1.5  # a figure "in total" or "combined" is not that of one of the things added up
OTHER_ARGUMENTS = -1.5  # the sentence's verb of the relation has another subject/object than the question's
REASON_OF_RELATION = 0.8  # the reason clause hangs from the question's own verb ("agreed ... to get the deal done")
REASON_ELSEWHERE = -0.5  # it hangs from another verb of the sentence ("asked not to be named because ...")
POLARITY = -1.5  # a reason from a sentence of the other polarity ("will resign" for "why will X not resign")
QUOTE_BONUS = 0.4  # a quotation is the speaker's own words: preferred to the clause around it
OTHER_SPEECH_VERB = -1.0  # the sentence has the question's own speech verb, but this is another verb's complement
SPEECH_VERB_FIT = 0.5  # the sentence has the question's particular speech verb (describe, call, promise)
PRONOUN_SPEAKER = 0.3  # share of QUOTE_SPEAKER for "he said" when the sentence before names the speaker
GAP_FIT = 1.5  # the object of the verb the question leaves open ("say the debris pointed to [what]")
LONG = -0.06  # per word beyond LONG_FROM in an open answer: short, exact spans beat whole clauses
LONG_FROM = 10  # words an open answer may have before LONG applies
RANK_DECAY = 0.01  # a tiny preference for the store's own ranking when all else ties
MIN_SCORE = 5.0  # a candidate's total score must reach this to be answered (kinds not listed below)
# Floors per expected type (Kind.name): a typed number with its unit ($, %, a time of day) is rarely
# a coincidence, so it needs less; "who" answers and open phrases are easy to fake and need more.
MIN_SCORE_BY_KIND = {
    "MONEY": 4.0, "PERCENT": 3.5, "AGE": 3.5, "TIME": 4.2, "DURATION": 4.3, "MEASURE": 4.1, "COUNT": 4.5,
    "DATE": 4.2, "ORG": 4.2, "PLACE": 4.7, "PERSON": 5.0, "AGENT": 5.5,
}
MIN_SCORE_QUOTE = 6.0  # statements ("what did X say"): the speaker and topic must both be clear
MIN_SCORE_PHRASE = 4.5  # noun phrases for "what/which NOUN" and open "what" questions
MIN_SCORE_TITLE = 4.5  # a named person's job: only phrases holding a title noun are offered at all
MIN_SCORE_REASON = 4.6  # reasons: only an explicit because/due to/after clause is offered at all
MIN_SCORE_YESNO = 3.9  # yes/no: an asserted clause of the relation, in a sentence carrying the question (below)
MIN_SCORE_STATE = 3.3  # "is X still ...?": a change of what is asked about, in a sentence that need not say the state

# --- time ---
RIVAL_MARGIN = 0.8  # another article's different value counts as a rival when scored this close to the best
RIVAL_MARGIN_LATEST = 1.5  # for "now/latest/still/so far" questions a newer source's value leads from further behind
MAX_EARLIER = 2  # older values named after the newest one
REVISION_MARGIN = 3.0  # a recorded revision leads unless it scores this much below the value it replaces
REVISION_STEPS = 5  # revisions of one value followed at most (each a later article)
HOLDER_READ = 30  # sentences read for a later departure of the person a "who is X now" answer names
SUCCESSOR_SLACK = 1.5  # a successor, named as taking the post since the departure, may score this far below the floor
REVISIONS_READ = 50  # stored changes of a story read, per step, when following a figure's revisions

# --- spans ---
MAX_SPAN = 14  # words in a short answer cut from a clause (the rest stays in the quoted sentence)
