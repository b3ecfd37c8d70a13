"""What a dispatcher sees when asking "who should go?" for one visit."""

from datetime import timedelta

from aftersales.dispatch.suggest import rank_technicians
from aftersales.dispatch.travel import StraightLineTravel

from .helpers import EAST, WEST, at, near, tech, visit

TRAVEL = StraightLineTravel()


def codes(suggestion):
    return [code for code, _ in suggestion.reasons]


def test_the_nearest_skilled_free_technician_comes_first_with_reasons():
    # given a west visit, a west and an east aircon technician, and a west washer one
    techs = [tech(1, EAST), tech(2, WEST), tech(3, WEST, skills={"washer"})]
    ranked = rank_technicians(visit(10, near(WEST, 0.01)), techs, {}, TRAVEL, at(8))
    # then the near one is first, the far one second, the unskilled one last and ineligible
    assert [s.technician_id for s in ranked] == [2, 1, 3]
    assert [s.eligible for s in ranked] == [True, True, False]
    assert codes(ranked[0])[:2] == ["skill_match", "travel"]
    assert ("no_skill", {"skill": "aircon"}) in ranked[2].reasons
    assert ranked[0].score > ranked[1].score


def test_a_technician_busy_all_window_is_not_eligible():
    # given technician 2 is near but busy through the customer's window
    techs = [tech(1, EAST), tech(2, WEST)]
    busy = {2: [(at(8), at(13))]}
    v = visit(10, near(WEST, 0.01), window=(at(9), at(12)))
    ranked = rank_technicians(v, techs, busy, TRAVEL, at(8))
    assert [s.technician_id for s in ranked] == [1, 2]
    assert not ranked[1].eligible and "no_free_time" in codes(ranked[1])
    assert at(9) <= ranked[0].start <= at(12)


def test_busy_time_pushes_the_start_after_the_job():
    ranked = rank_technicians(
        visit(10, near(WEST, 0.01)), [tech(2, WEST)], {2: [(at(8), at(10))]}, TRAVEL, at(8)
    )
    assert ranked[0].start >= at(10) + timedelta(minutes=5)


def test_sla_slack_is_shown_and_a_breach_ranks_below_an_arrival_in_time():
    # given a deadline 08:40: the west technician makes it, the east one cannot
    techs = [tech(1, EAST), tech(2, WEST)]
    v = visit(10, near(WEST, 0.01), deadline=at(8, 40))
    ranked = rank_technicians(v, techs, {}, TRAVEL, at(8))
    assert [s.technician_id for s in ranked] == [2, 1]
    (slack,) = [p for c, p in ranked[0].reasons if c == "sla_slack"]
    assert 0 < slack["minutes"] <= 40
    assert "sla_breach" in codes(ranked[1])


def test_last_known_position_and_center_coverage_count():
    # given both start in the west, but technician 1 is now in the east; 2 covers center 7
    techs = [tech(1, WEST, centers={7}), tech(2, WEST, centers={8})]
    v = visit(10, near(EAST, 0.01), center_id=7)
    ranked = rank_technicians(v, techs, {}, TRAVEL, at(8), positions={1: EAST})
    assert [s.technician_id for s in ranked] == [1, 2]
    assert ("travel", {"minutes": 5, "from": "last_position"}) in ranked[0].reasons
    assert "outside_center" in codes(ranked[1])


def test_equal_technicians_are_ordered_by_id():
    techs = [tech(3, WEST), tech(1, WEST), tech(2, WEST)]
    ranked = rank_technicians(visit(10, near(WEST, 0.01)), techs, {}, TRAVEL, at(8))
    assert [s.technician_id for s in ranked] == [1, 2, 3]
