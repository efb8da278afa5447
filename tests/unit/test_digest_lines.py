"""The digest an editor skims, line by line: compact changes, whole sentences, outlets, publication-time windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import Citation, PreviousValue, RawArticle, Update, UpdateContext
from bot.runtime.core import Core
from bot.understand.digest import build_digest, change_line, development_line, open_quote, slot_label, whole_text

APR10 = datetime(2024, 4, 10, 9, tzinfo=UTC)
MAR30 = datetime(2024, 3, 30, 9, tzinfo=UTC)


def changed(value: str = "130") -> Update:
    now = Citation("Talks", "https://reuters.example/a", "Reuters", APR10, "Hamas holds 133 hostages, Israel said.")
    then = Citation("Talks", "https://ap.example/b", "AP", MAR30, "Hamas holds 130 hostages, Israel said.")
    return Update("hostage-talks", "changed", now.sentence, now, 0.9,
                  PreviousValue(then.sentence, value, then), 7)


def test_a_changed_count_reads_compactly_with_both_sources() -> None:
    context = UpdateContext(1, 2, 1, (("s:q:hostage", "133\t133\tl:hold"),))
    assert change_line(changed(), context) == "hostages (hold): 130 -> 133 (Reuters, 10 Apr; was 130, AP, 30 Mar)"


def test_a_change_that_is_not_a_figure_names_the_earlier_source_not_its_sentence() -> None:
    update = changed("Hamas-run Aqsa Television quoted a senior Hamas leader as warning Sunday")
    line = development_line(None, update, UpdateContext(1, None, 1, ()))  # type: ignore[arg-type]
    assert line == ("Hamas holds 133 hostages, Israel said. (Reuters, 10 Apr; earlier: AP, 30 Mar)")


def test_merged_copies_say_how_many_other_outlets_carried_it() -> None:
    update = Update("hostage-talks", "new", "Talks resume in Cairo on Sunday.",
                    Citation("T", "https://x.example/1", "Reuters", APR10, ""), 0.5, None, 3)
    line = development_line(None, update, UpdateContext(1, None, 4, ()))  # type: ignore[arg-type]
    assert line == "Talks resume in Cairo on Sunday. (Reuters, 10 Apr); also reported by 3 outlets"


def test_a_quote_left_open_by_the_splitter_is_completed_from_the_article(core: Core) -> None:
    text = ('"It is a red line," he said, "but I\'m never going to leave Israel. The defense of Israel is '
            'still critical." Aid groups warned of more deaths.')
    core.pipeline.ingest([RawArticle("https://q.example/1", "Rafah", text, "voa.example", MAR30)])
    sentences = core.store.article_sentences(1)
    first = sentences[0]
    assert open_quote(first.text)
    whole = whole_text(core.store, first.text, first.article_id, first.id)
    assert whole.endswith('still critical."') and not open_quote(whole)


def test_the_window_is_publication_time_so_a_backfill_is_not_todays_news(core: Core) -> None:
    now = datetime.now(UTC)
    old = ("Israel and Hamas resumed hostage talks in Cairo on Tuesday, mediators from Qatar and Egypt said. "
           "Hamas holds 130 hostages in Gaza, Israeli officials said.")
    fresh = ("Hostage talks between Israel and Hamas moved to Doha, where Qatar hosted the delegations. "
             "CIA Director William Burns joined the hostage negotiations in Doha on Friday.")
    core.pipeline.ingest([RawArticle("https://old.example/1", "Talks", old, "old.example", now - timedelta(days=60)),
                          RawArticle("https://new.example/1", "Talks", fresh, "new.example", now - timedelta(hours=2))])
    post = build_digest(core.store, core.store.list_stories(), now - timedelta(days=1), "hostage-talks")
    assert post is not None
    text = "\n".join(post.lines + [line for reply in post.replies for line in reply.lines])
    assert "new.example" in text and "(old.example" not in text
    assert post.lines[0].startswith("Hostage-release talks: ") and "new fact(s)" not in post.lines[0]
    assert len(post.replies) == 1 and post.replies[0].heading == "Hostage-release talks"


def test_a_sentence_counting_a_noun_twice_changes_the_nearer_figure() -> None:
    update = changed("136")  # "40 of the 130 hostages" after "the remaining 136 hostages"
    context = UpdateContext(1, 2, 1, (("s:q:hostage", "40\t40\tl:release"), ("s:q:hostage", "130\t130\tl:hold")))
    assert change_line(update, context) == "hostages (hold): 136 -> 130 (Reuters, 10 Apr; was 136, AP, 30 Mar)"


def test_a_counted_noun_reads_in_its_plural() -> None:
    assert slot_label("s:q:majority", "179\t179\tl:declare") == "majorities (declare)"
    assert slot_label("s:q:hostage", "130\t130\tl:hold") == "hostages (hold)"
    assert slot_label("s:q:hostage", "130\t130\tat:gaza l:hold") == "hostages (hold)"  # places tell it apart only
    assert slot_label("s:q:v-set+aside:€", "6.7e9\t6.7 billion euros\tl:set n:vw") == "sum set aside (€) (set)"
    assert slot_label("s:q:time@closure", "120\tfive-day\t") == "closure length"
    assert slot_label("s:q:%:%", "59.9\t59.9%\t") == "percentage"
    assert slot_label("s:q:cost:$", "500000000\t$500 million\t") == "costs ($)"
    assert slot_label("s:q:box", "3\t3\t") == "boxes" and slot_label("s:q:day", "3\t3\t") == "days"
