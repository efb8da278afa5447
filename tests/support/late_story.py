"""A story whose old article arrives late: the texts shared by the re-judging tests.

Three weeks of a hostage story: a first article with a count, a late one (published on day 1, it
arrives after all the others) that gives a new count and Burns's trip, a fortnight of coverage of
other things naming the hostages, a related article that repeats the trip and gives a later
count, and an unrelated one about a march, published after the fortnight, that shares only the
story's own word with the late article.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import RawArticle, Story

STORY = Story(id="talks", title="Hostage talks", terms=("hostage*", "truce"))
START = datetime(2024, 2, 1, 9, tzinfo=UTC)
BURNS = "CIA director William Burns flew to Doha with a new hostage truce proposal."
COUNT = "About 130 hostages are still held in Gaza after the army recovered four bodies."

# a fortnight of coverage about other things than the late article's news, each naming the hostages
FILLERS = [
    ("Amos Abramov told reporters in Haifa that hostage relatives had written to the mayor.",
     "He said the hostage families deserved answers from the cabinet."),
    ("Bella Ben-Ami organised a candlelit vigil for the hostages outside the Eilat stadium.",
     "Dozens of neighbours lit candles and sang songs for the hostages."),
    ("Chaim Carmeli, a lawyer for hostage families, filed a petition with a court in Ashdod.",
     "The petition demands weekly briefings for relatives of the hostages."),
    ("The Netanya council voted unanimously to name a square after the hostages.",
     "Councillors said the hostage square would be unveiled in the spring."),
    ("Dalia Dayan painted a mural of hostage portraits on a school wall in Herzliya.",
     "The mural shows the faces of the hostages in bright colours."),
    ("Students in Rehovot collected 3,200 handwritten letters for the hostages.",
     "Teachers will deliver the letters for the hostages through the Red Cross."),
    ("Eitan Eshel ran a marathon through Ashkelon wearing a hostage ribbon.",
     "Runners behind him carried flags bearing the names of the hostages."),
    ("A choir in Nazareth performed a concert dedicated to the hostages.",
     "Proceeds from the hostage concert will go to a trauma charity."),
    ("Fishermen in Tiberias tied yellow ribbons for the hostages to their boats.",
     "The ribbons for the hostages will stay on the boats until the captives return."),
    ("Frida Friedman launched a podcast interviewing hostage relatives in Hadera.",
     "Each episode of the hostage podcast features a different family."),
    ("Schools across Modiin observed a minute of silence for the hostages.",
     "Pupils wrote poems for the hostages after the silence."),
    ("Gideon Golan cycled from Raanana to Afula to raise awareness of the hostages.",
     "Golan said he would ride again every month until the hostages are home."),
    ("Hila Harel opened an exhibition of hostage photographs in Dimona.",
     "Visitors to the hostage exhibition can leave messages in a book."),
    ("Bakers in Jaffa sold cakes to fund support for hostage families.",
     "The bakery donated its weekend profits to the hostage families forum."),
]


def raw(day: int, text: str, name: str) -> RawArticle:
    """An article of the story published `day` days after the first."""
    return RawArticle(url=f"https://news.test/{name}", title=f"Hostage talks: {name}", text=text,
                      source="news.test", published=START + timedelta(days=day), origin="test")


def story_articles() -> tuple[RawArticle, list[RawArticle], RawArticle]:
    """(the late article, the others in date order, the later article unrelated to it)."""
    first = raw(0, "About 136 hostages are still held in Gaza, according to Israeli figures.\n"
                   "Mediators from Qatar met Hamas envoys in Cairo for a first round of hostage talks.", "first")
    late = raw(1, "About 134 hostages are still held in Gaza, Israeli officials said.\n" + BURNS + "\n"
                  "The meeting at the Sheraton lasted until dawn, according to two diplomats briefed on it.", "late")
    fillers = [raw(2 + i, "\n".join(lines), f"filler-{i}") for i, lines in enumerate(FILLERS)]
    related = raw(20, COUNT + "\n" + BURNS
                  + "\nSoldiers found the remains during an overnight raid in Khan Younis, the military said.",
                  "related")
    unrelated = raw(21, "Relatives of the hostages marched from Tel Aviv to Jerusalem, organisers said.\n"
                        "Police closed Route 1 near Latrun for several hours as 5,000 marchers for the hostages "
                        "passed.", "unrelated")
    return late, [first, *fillers, related, unrelated], unrelated
