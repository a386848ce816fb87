"""Scoring rules on cases worked out by hand (no database: the rules are pure functions)."""

from decimal import Decimal as D

from tether.diligence.scoring import (
    GivenAnswer,
    QuestionRule,
    asked_codes,
    score_question,
    score_response,
)

CHOICES = [{"value": "a", "label": "Always", "score": 1},
           {"value": "b", "label": "Sometimes", "score": 0.5},
           {"value": "c", "label": "Never", "score": 0}]
BANDS = [{"max": 10, "score": 0}, {"min": 10, "max": 100, "score": 0.5},
         {"min": 100, "score": 1}]


def rule(code, kind="yes_no", weight="1", **extra) -> QuestionRule:
    return QuestionRule(code=code, question_type=kind, weight=D(weight), **extra)


def given(value, evidence=False) -> GivenAnswer:
    return GivenAnswer(value, evidence)


def test_yes_earns_the_weight_and_no_earns_nothing():
    rules = [rule("A", weight="2"), rule("B", weight="3")]
    score = score_response(rules, {"A": given("yes"), "B": given("no")})
    assert (score.points, score.max_points, score.percent) == (D("2.00"), D("5.00"), D("40.00"))


def test_yes_no_is_read_without_regard_to_case_or_spaces():
    assert score_question(rule("A", weight="2"), given(" YES ")).points == D("2.00")


def test_a_choice_earns_the_weight_times_its_score():
    question = rule("A", "choice", "4", options=CHOICES)
    assert score_question(question, given("a")).points == D("4.00")
    assert score_question(question, given("b")).points == D("2.00")
    sometimes = score_question(question, given("b"))
    assert sometimes.reason == "answered “Sometimes”" and sometimes.lost == D("2.00")
    assert score_question(question, given("c")).points == D("0.00")


def test_a_choice_that_is_not_an_option_earns_nothing():
    result = score_question(rule("A", "choice", "4", options=CHOICES), given("z"))
    assert result.points == 0 and "not one of the options" in result.reason


def test_numbers_earn_by_band_min_included_max_excluded():
    question = rule("N", "number", "2", bands=BANDS)
    expected = {5: "0.00", 9.99: "0.00", 10: "1.00", "99.99": "1.00", 100: "2.00", 10**9: "2.00"}
    for value, points in expected.items():
        assert score_question(question, given(value)).points == D(points), value


def test_a_number_outside_every_band_earns_nothing_and_says_why():
    question = rule("N", "number", "2", bands=[{"min": 0, "max": 10, "score": 1}])
    result = score_question(question, given(-1))
    assert result.points == 0 and result.reason == "-1 is outside every scoring band"


def test_a_number_without_bands_earns_in_full_and_text_is_no_number():
    assert score_question(rule("N", "number", "3"), given(7)).points == D("3.00")
    assert score_question(rule("N", "number", "3"), given("seven")).points == 0


def test_text_dates_and_files_earn_in_full_once_given():
    assert score_question(rule("T", "text", "2"), given("We do.")).points == D("2.00")
    assert score_question(rule("D", "date", "2"), given("2025-03-31")).points == D("2.00")
    assert score_question(rule("D", "date", "2"), given("31/03/2025")).points == 0
    assert score_question(rule("F", "file", "2"), given("soc2.pdf", True)).points == D("2.00")


def test_an_unanswered_question_costs_its_whole_weight():
    result = score_question(rule("A", weight="2"), given(None))
    assert (result.points, result.max_points, result.reason) == (0, D("2"), "not answered")
    assert score_question(rule("T", "text"), given("")).points == 0


def test_missing_evidence_halves_what_the_answer_earns():
    question = rule("A", weight="3", evidence_required=True)
    assert score_question(question, given("yes", evidence=True)).points == D("3.00")
    without = score_question(question, given("yes"))
    assert without.points == D("1.50")
    assert without.reason == "evidence required but not attached"
    half_choice = score_question(rule("C", "choice", "4", options=CHOICES,
                                      evidence_required=True), given("b"))
    assert half_choice.points == D("1.00")
    assert half_choice.reason == "answered “Sometimes”; evidence required but not attached"


CHAIN = [
    rule("A", weight="1"),
    rule("B", weight="2", show_if="A", show_if_values=["yes"]),
    rule("C", weight="4", show_if="B", show_if_values=["yes"]),
    rule("D", "choice", "1", options=CHOICES, show_if="A", show_if_values=["no"]),
]


def test_a_condition_shows_its_question_only_for_the_listed_answers():
    assert asked_codes(CHAIN, {"A": given("yes")}) == {"A", "B"}
    assert asked_codes(CHAIN, {"A": given("no")}) == {"A", "D"}
    assert asked_codes(CHAIN, {"A": given("yes"), "B": given("yes")}) == {"A", "B", "C"}
    assert asked_codes(CHAIN, {}) == {"A"}


def test_a_question_whose_parent_is_hidden_is_hidden_whatever_the_parent_was_answered():
    # B was answered "yes" before A changed to "no": B is hidden, so C is too.
    answers = {"A": given("no"), "B": given("yes"), "C": given("yes"), "D": given("a")}
    assert asked_codes(CHAIN, answers) == {"A", "D"}
    score = score_response(CHAIN, answers)
    # Only A (no: 0 of 1) and D (always: 1 of 1) count; B and C's stale answers do not.
    assert (score.points, score.max_points, score.percent) == (D("1.00"), D("2.00"), D("50.00"))
    hidden = {q.code: q for q in score.questions if not q.asked}
    assert set(hidden) == {"B", "C"} and all(q.max_points == 0 for q in hidden.values())


def test_the_whole_chain_scores_when_every_condition_holds():
    answers = {"A": given("yes"), "B": given("yes"), "C": given("no")}
    score = score_response(CHAIN, answers)
    # A 1/1, B 2/2, C 0/4: 3 of 7 = 42.857… %
    assert (score.points, score.max_points, score.percent) == (D("3.00"), D("7.00"), D("42.86"))
    assert [q.code for q in score.costly] == ["C"]


def test_weight_zero_questions_are_asked_but_neither_earn_nor_cost():
    rules = [rule("A", weight="0"), rule("B", weight="2")]
    score = score_response(rules, {"A": given("no"), "B": given("yes")})
    assert (score.points, score.max_points, score.percent) == (D("2.00"), D("2.00"),
                                                               D("100.00"))
    assert score.costly == []


def test_a_response_that_can_earn_nothing_has_no_percentage():
    score = score_response([rule("A", weight="0")], {"A": given("yes")})
    assert score.max_points == 0 and score.percent is None


def test_percentages_round_half_up_to_two_decimals():
    thirds = score_response([rule("A"), rule("B"), rule("C")],
                            {"A": given("yes"), "B": given("yes")})
    assert thirds.percent == D("66.67")
    one_third = score_response([rule("A"), rule("B"), rule("C")], {"A": given("yes")})
    assert one_third.percent == D("33.33")
    # 0.01 of 8.00 points is 0.125 %: half up gives 0.13 (banker's rounding would give 0.12).
    tiny = score_response([rule("A", weight="0.01"), rule("B", weight="7.99")],
                          {"A": given("yes"), "B": given("no")})
    assert (tiny.points, tiny.max_points, tiny.percent) == (D("0.01"), D("8.00"), D("0.13"))


def test_points_round_half_up_to_the_cent():
    # 0.25 × 0.5 (evidence missing) = 0.125 → 0.13
    assert score_question(rule("A", weight="0.25", evidence_required=True),
                          given("yes")).points == D("0.13")


def test_costly_lists_the_most_expensive_first_then_by_code():
    rules = [rule("B", weight="2"), rule("A", weight="2"), rule("C", weight="5"),
             rule("D", weight="1")]
    score = score_response(rules, {"A": given("no"), "B": given("no"), "C": given("no"),
                                   "D": given("yes")})
    assert [(q.code, q.lost) for q in score.costly] == [("C", D("5")), ("A", D("2")),
                                                       ("B", D("2"))]
