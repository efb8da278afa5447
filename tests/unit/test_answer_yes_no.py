"""Yes/no questions: Yes or No with the clause that says it, read from the clause's own negation;
never from a possibility or a condition, never for a state that may have changed since ("still"),
and the newest source leads when the answer changed. Every sentence here is invented."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import reports


def test_a_denied_relation_is_answered_no_with_the_clause() -> None:
    search = reports(("2025-03-02", "The grid operator stressed that the blackout in Velden was not a cyberattack."))
    got = answer_question("Was the blackout in Velden a cyberattack?", search, [])
    assert got.answer == "No: the blackout in Velden was not a cyberattack"


def test_no_before_the_noun_answers_no() -> None:
    search = reports(("2025-03-02", "Police said no arrests had been made at the Velden port blockade."))
    got = answer_question("Were there any arrests at the Velden port blockade?", search, [])
    assert got.answer is not None and got.answer.startswith("No: no arrests")


def test_an_asserted_relation_is_answered_yes() -> None:
    search = reports(("2025-03-02", "Divers found the missing Velden ferry's data recorder on Tuesday, the "
                                     "coastguard said."))
    got = answer_question("Have divers found the Velden ferry's data recorder?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: Divers found")


def test_a_possibility_is_no_answer() -> None:
    search = reports(("2025-03-02", "Losses could have been far higher had the Velden blackout been a cyberattack."))
    got = answer_question("Was the Velden blackout a cyberattack?", search, [])
    assert got.answer is None


def test_whether_a_state_still_holds_is_answered_by_what_changed_as_said() -> None:
    search = reports(("2025-03-02", "The Velden evacuation order was imposed on Monday as the fire spread."),
                      ("2025-03-06", "The Velden evacuation order was lifted on Thursday, officials said."))
    got = answer_question("Is the Velden evacuation order still in force?", search, [])
    assert got.answer == "No: The Velden evacuation order was lifted on Thursday"


def test_a_change_of_something_else_does_not_answer_whether_a_state_still_holds() -> None:
    search = reports(("2025-03-06", "The Velden road closure was lifted on Thursday as the evacuation order "
                                     "stayed in force, officials said."),
                      ("2025-03-07", "The Velden dock strike has shut down the port's two container terminals."))
    assert answer_question("Is the Velden evacuation order still in force?", search, []).answer is None
    assert answer_question("Is the Velden dock strike still going on?", search, []).answer is None


def test_when_the_answer_changed_the_newest_source_leads_and_names_the_older_one() -> None:
    search = reports(("2025-01-10", "The Velden council has not yet approved the money for the new ferry pier."),
                      ("2025-04-02", "The Velden council approved the money for the new ferry pier in March."))
    got = answer_question("Has the Velden council approved the money for the ferry pier?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: The Velden council approved")
    assert "has not yet approved" in got.text


def test_a_long_clause_ending_the_sentence_is_cut_inside_it() -> None:
    search = reports(("2025-03-02", "The data recorder of the Velden ferry that sank in the storm off the north "
                                     "coast last month was found."))
    got = answer_question("Was the data recorder of the Velden ferry found?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: ") and got.answer.endswith("was found")


def test_a_plan_does_not_answer_whether_someone_is_staying_on() -> None:
    search = reports(("2025-01-10", "Marta Oyelaran will remain chief executive of Velden Ferries after the merger."))
    got = answer_question("Is Marta Oyelaran staying on to run Velden Ferries?", search, [])
    assert got.answer is None
    got = answer_question("Will Marta Oyelaran be chief executive of Velden Ferries after the merger?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: ")


def test_whether_someone_is_still_doing_something_is_answered_by_their_doing_of_it_ending() -> None:
    search = reports(("2025-03-02", "The Velden central bank began buying long-dated bonds on Wednesday."),
                      ("2025-03-16", "The Velden central bank's emergency bond purchases ended on Friday as planned."))
    got = answer_question("Is the Velden central bank still buying bonds?", search, [])
    assert got.answer == "No: emergency bond purchases ended on Friday"
    search = reports(("2025-03-16", "The Velden treasury's bond sales ended on Friday as planned."))
    assert answer_question("Is the Velden central bank still buying bonds?", search, []).answer is None


def test_whether_someone_is_still_making_a_trip_is_answered_by_its_calling_off() -> None:
    search = reports(("2025-03-02", "Mayor Ilse Brandt said she would visit Velden on Friday."),
                      ("2025-03-05", "Mayor Ilse Brandt called off her visit to Velden on Thursday."))
    got = answer_question("Is Mayor Brandt still making her visit to Velden?", search, [])
    assert got.answer is not None and "called off her visit" in got.answer


def test_whether_someone_is_still_in_charge_is_answered_no_by_their_firing() -> None:
    search = reports(("2025-03-02", "Ilse Brandt became chief executive of Velden Ferries in January."),
                      ("2025-06-05", "The new owner of Velden Ferries fired the chief executive, Ilse Brandt, "
                                     "on Thursday."))
    got = answer_question("Is Ilse Brandt still in charge at Velden Ferries?", search, [])
    assert got.answer is not None and got.answer.startswith("No: ") and "fired the chief executive" in got.answer


def test_whether_someone_with_a_hyphened_name_still_holds_a_post_is_answered_by_their_leaving() -> None:
    search = reports(("2025-03-02", "Prime Minister Park Sung-won said the ferry inquiry would report in May."),
                     ("2025-06-05", "Park Sung-won, the prime minister who offered to resign over the sinking, "
                                    "finally left office in June."))
    got = answer_question("Is Park Sung-won still prime minister?", search, [])
    assert got.answer is not None and got.answer.startswith("No: ") and "left office in June" in got.answer


def test_whether_someone_has_resigned_yet_is_answered_by_a_resignation_told_after_another_deed() -> None:
    search = reports(("2025-03-02", "Velden's president, Ilse Brandt, refused to resign on Monday."),
                     ("2025-03-09", "Tomas Ek took over as acting president when Ilse Brandt fled Velden and "
                                    "then resigned last week."))
    got = answer_question("Has Ilse Brandt actually stepped down yet?", search, [])
    assert got.answer is not None and "resigned last week" in got.answer


def test_whether_something_is_back_is_answered_yes_by_its_return() -> None:
    search = reports(("2025-03-02", "The Velden night ferries were halted by the strike in January."),
                      ("2025-06-05", "The Velden night ferries returned to service on Monday after the strike."))
    got = answer_question("Are the Velden night ferries back yet?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: The Velden night ferries returned to service")


def test_a_change_into_the_state_asked_about_is_given_without_yes_or_no() -> None:
    search = reports(("2025-06-05", "The Velden ferry port was closed on Monday after the storm damaged its pier."))
    got = answer_question("Is the Velden ferry port still closed?", search, [])
    assert got.answer is None or not got.answer.startswith(("Yes", "No"))


def test_backing_something_is_asked_as_a_plain_yes_or_no() -> None:
    search = reports(("2025-06-05", "Mayor Ilse Brandt backed the Velden ferry workers' pay demand on Monday."))
    got = answer_question("Did Mayor Brandt back the Velden ferry workers' pay demand?", search, [])
    assert got.answer is not None and got.answer.startswith("Yes: ")


def test_a_clause_of_the_same_verb_about_something_else_is_no_yes() -> None:
    search = reports(("2025-03-02", "Mayor Ilse Brandt published her plan for the Velden harbour on Monday, "
                                     "calling for a new timetable but not recommending a ban on diesel ferries."))
    got = answer_question("Did Mayor Brandt call for diesel ferries to be banned in Velden harbour?", search, [])
    assert got.answer is None or not got.answer.startswith("Yes")


def test_what_people_wanted_done_does_not_answer_whether_it_is_so() -> None:
    search = reports(("2025-04-20", "Polls have shown that most residents wanted the old mill restored as it was."))
    assert answer_question("Is the old mill still standing?", search, []).answer is None
    assert answer_question("Is the old mill restored?", search, []).answer is None


def test_a_state_question_is_answered_by_a_change_that_leaves_out_the_states_own_words() -> None:
    search = reports(("2025-03-02", "The harbour master was arrested on Monday over the ferry fire."),
                      ("2025-03-12", "The harbour master was released from custody on Friday."))
    got = answer_question("Is the harbour master still locked up in a police cell?", search, [])
    assert got.answer == "No: The harbour master was released from custody on Friday"


def test_an_end_declared_answers_whether_it_still_goes_on() -> None:
    search = reports(("2025-03-02", "Fire crews worked through the night at the Velden grain warehouse."),
                      ("2025-03-03", "The fire at the Velden grain warehouse was declared fully extinguished on "
                                     "Tuesday morning."))
    got = answer_question("Is the Velden grain warehouse still on fire?", search, [])
    assert got.answer is not None and "declared fully extinguished" in got.answer


def test_flames_stopped_from_spreading_do_not_say_a_fire_is_out() -> None:
    search = reports(("2025-03-02", "Firefighters stopped the flames at the Velden grain warehouse from reaching "
                                     "its roof."))
    got = answer_question("Is the Velden grain warehouse still on fire?", search, [])
    assert got.answer is None


def test_with_nobody_named_the_doing_itself_ending_answers_and_its_aftermath_is_cut() -> None:
    search = reports(("2025-03-02", "Ships began searching for the lost Velden trawler on Monday."),
                      ("2025-05-30", "The search by the Velden coastguard ended in late May after covering "
                                     "9,000 square kilometres without finding the trawler."))
    got = answer_question("Is anyone still searching for the lost Velden trawler?", search, [])
    assert got.answer == "No: The search ended in late May"


def test_the_manner_of_an_ending_stays_in_the_answer() -> None:
    search = reports(("2025-03-12", "The Velden port authority formally ended its recovery work at the ferry pier "
                                     "on Friday."))
    got = answer_question("Is the recovery work at the Velden ferry pier still going on?", search, [])
    assert got.answer is not None and "formally ended its recovery work" in got.answer


def test_whether_someone_is_staying_on_is_answered_by_their_announced_departure() -> None:
    search = reports(("2025-01-10", "Velden Ferries said on Tuesday that Marta Oyelaran would step down as chief "
                                     "executive on 1 October."))
    got = answer_question("Is Marta Oyelaran staying on as boss of Velden Ferries?", search, [])
    assert got.answer is not None and "Marta Oyelaran would step down" in got.answer


def test_the_end_of_a_contract_for_what_the_question_acts_on_answers_whether_it_is_still_used() -> None:
    search = reports(("2025-03-02", "The Velden council hired Nordkraft in January to clear snow from its roads."),
                      ("2025-03-12", "The Velden council on Thursday suspended its contract with Nordkraft to "
                                     "clear snow from its roads."))
    got = answer_question("Is the Velden council still using Nordkraft to clear snow?", search, [])
    assert got.answer is not None and got.answer.startswith("No: ") and "suspended its contract" in got.answer


def test_leave_to_change_is_not_the_change() -> None:
    search = reports(("2025-03-02", "The Velden ferry Nordlys was seized by the port authority on Monday."),
                      ("2025-03-09", "On Tuesday a Velden court issued an order allowing the ferry Nordlys to be "
                                     "released."))
    got = answer_question("Is the port authority still holding on to the ferry Nordlys?", search, [])
    assert got.answer is None or "to be released" not in got.answer


def test_a_thing_the_question_goes_into_reopening_answers_whether_it_can_be_entered_now() -> None:
    search = reports(("2025-03-02", "The Velden cave was closed to the public after the rescue."),
                      ("2026-11-02", "The Velden cave reopened to tourists on 1 November with visitors "
                                     "allowed only into the first chamber."))
    got = answer_question("Can the public go into the Velden cave now?", search, [])
    assert got.answer is not None and "reopened to tourists on 1 November" in got.answer


def test_whether_someone_has_stepped_down_yet_is_not_answered_by_another_change_of_theirs() -> None:
    search = reports(("2025-07-09", "Marta Oyelaran had left her official residence on Friday because of security "
                                     "concerns, officials said."))
    got = answer_question("Has Marta Oyelaran actually stepped down yet?", search, [])
    assert got.answer is None


def test_a_namesake_with_another_given_name_is_not_the_person_asked_about() -> None:
    search = reports(("2025-07-09", "Ilse Oyelaran quit as Velden's deputy mayor on Monday, 9 May."))
    got = answer_question("Has Marta Oyelaran actually stepped down yet?", search, [])
    assert got.answer is None


def test_whether_a_deed_is_done_yet_is_answered_by_the_clause_saying_it_was_done_not_by_a_plan() -> None:
    done = reports(("2025-03-02", "The Velden council tightened its rules on ferry inspections on 26 May."))
    planned = reports(("2025-03-02", "The Velden council will tighten its rules on ferry inspections next month."))
    question = "Has the Velden council tightened its rules on ferry inspections yet?"
    got = answer_question(question, done, []).answer
    assert got == "Yes: The Velden council tightened its rules on ferry inspections"
    assert answer_question(question, planned, []).answer is None


def test_whether_an_approval_has_come_yet_is_answered_by_an_approval_said_in_other_words() -> None:
    search = reports(("2025-03-02", "The Velden council accepted the ferry budget on Monday, officials said."))
    got = answer_question("Has the Velden council approved the ferry budget yet?", search, [])
    assert got.answer is not None and "accepted the ferry budget on Monday" in got.answer


def test_a_change_of_state_is_said_without_the_clause_describing_what_changed() -> None:
    search = reports(("2025-03-02", "The Velden council has withdrawn the controversial parking plan that set off "
                                    "protests across the town."))
    got = answer_question("Is the Velden parking plan still on the table?", search, [])
    assert got.answer == "No: The Velden council has withdrawn the controversial parking plan"
