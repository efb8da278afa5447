"""The words news copy uses for one country: its name, short forms, the adjective and people, and the
capital a question may use for its government ("Does Washington call it a coup").

A question may say "the UK regulator" where the report says "Britain's regulator", or "Does
Washington call it a coup" where the report says "The United States formally declared". Each group
is common English usage; a city that stands for more than one thing (Brussels: Belgium and the EU)
is in none.
"""

from __future__ import annotations

# each country: its names ("_" joins the words of one: united_states), then after "|" its capital (or
# seat of government). A question may use the capital for its country, but in a report the capital is
# a place in its own right ("officials will meet in Washington" answers "where", not "the US").
_GROUPS = (
    "us usa america american americans united_states | washington",
    "uk britain british briton britons united_kingdom | london",
    "france french | paris", "germany german germans | berlin", "italy italian italians | rome",
    "spain spanish | madrid", "russia russian russians | moscow kremlin", "china chinese | beijing",
    "japan japanese | tokyo", "india indian indians | delhi", "turkey turkish turks turk | ankara",
    "syria syrian syrians | damascus", "egypt egyptian egyptians | cairo", "israel israeli israelis",
    "iran iranian iranians | tehran", "iraq iraqi iraqis | baghdad", "ukraine ukrainian ukrainians | kyiv kiev",
    "qatar qatari qataris | doha", "canada canadian canadians | ottawa",
    "australia australian australians | canberra", "mexico mexican mexicans",
    "brazil brazilian brazilians | brasilia", "nigeria nigerian nigerians | abuja",
    "niger nigerien nigeriens | niamey", "ethiopia ethiopian ethiopians", "kenya kenyan kenyans | nairobi",
    "pakistan pakistani pakistanis | islamabad", "afghanistan afghan afghans | kabul",
    "greece greek greeks | athens", "poland polish poles | warsaw", "netherlands dutch",
    "thailand thai thais | bangkok", "indonesia indonesian indonesians | jakarta",
    "philippines filipino filipinos | manila", "taiwan taiwanese | taipei", "ireland irish | dublin",
    "switzerland swiss | bern", "sweden swedish swedes | stockholm", "norway norwegian norwegians | oslo",
    "denmark danish danes | copenhagen", "austria austrian austrians | vienna", "portugal portuguese | lisbon",
    "lebanon lebanese | beirut", "jordan jordanian jordanians | amman", "mali malian malians | bamako",
    "chad chadian chadians", "sudan sudanese | khartoum", "libya libyan libyans",
    "algeria algerian algerians | algiers", "morocco moroccan moroccans | rabat", "venezuela venezuelan | caracas",
    "argentina argentine argentinian", "colombia colombian colombians | bogota",
    "chile chilean chileans | santiago", "peru peruvian peruvians | lima", "cuba cuban cubans | havana",
    "haiti haitian haitians", "scotland scottish scots", "wales welsh", "hungary hungarian hungarians | budapest",
    "romania romanian romanians | bucharest", "vietnam vietnamese | hanoi", "bangladesh bangladeshi | dhaka",
    "ghana ghanaian | accra", "senegal senegalese | dakar",
)

_FORMS: dict[str, frozenset[str]] = {}  # a word -> the words a report may use for the same country
_CAPITALS: set[str] = set()
for _group in _GROUPS:
    _names, _, _capitals = _group.partition("|")
    _CAPITALS |= set(_capitals.split())
    _words = frozenset(n.replace("_", " ") for n in _names.split()) | frozenset(_capitals.split())
    for _word in _words:
        _FORMS[_word] = _FORMS.get(_word, frozenset()) | _words
_SAID = {word: frozenset(forms - _CAPITALS - {word}) for word, forms in _FORMS.items()}


def other_forms(asked: str) -> frozenset[str]:
    """The words a report may use for the country a question's word names ("UK": britain, british ...),
    without the word itself and without capitals."""
    return _SAID.get(asked.lower().removesuffix("'s"), frozenset())


def same_nation(asked: str, said: str) -> bool:
    """Whether a report's word names the country a question's word names ("UK" and "Britain's",
    "Washington" and "American"); a capital in the report is a place, not its country."""
    return said.lower().removesuffix("'s") in other_forms(asked)
