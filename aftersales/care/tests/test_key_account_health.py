"""The health score's rules, one row per case: the score and the reasons behind it."""

from decimal import Decimal

import pytest

from aftersales.care.key_accounts import Facts, Health, health

D = Decimal
CALM = {"days_since_contact": 10}


@pytest.mark.parametrize(
    ("facts", "score", "reasons"),
    [
        (Facts(**CALM), 100, []),
        (Facts(repeat_failure_units=1, **CALM), 90, ["repeat_failures"]),
        (Facts(repeat_failure_units=5, **CALM), 70, ["repeat_failures"]),  # at most 30
        (Facts(csat=D("3.5"), **CALM), 100, []),
        (Facts(csat=D("3.4"), **CALM), 80, ["low_csat"]),
        (Facts(csat=D("2.5"), **CALM), 70, ["low_csat"]),
        (Facts(complaints=2, **CALM), 80, ["complaints"]),
        (Facts(complaints=4, **CALM), 70, ["complaints"]),
        (Facts(days_since_contact=179), 100, []),
        (Facts(days_since_contact=180), 85, ["silence"]),
        (Facts(), 85, ["silence"]),  # never in touch
        (Facts(cost=D("10.00"), revenue=D("10.00"), **CALM), 100, []),
        (Facts(cost=D("10.01"), revenue=D("10.00"), **CALM), 90, ["cost_above_revenue"]),
        (Facts(open_requests=2, **CALM), 100, []),
        (Facts(open_requests=3, **CALM), 90, ["many_open"]),
        (
            Facts(repeat_failure_units=9, csat=D("1"), complaints=9, cost=D(5), open_requests=9),
            0,
            [
                "repeat_failures",
                "low_csat",
                "complaints",
                "silence",
                "cost_above_revenue",
                "many_open",
            ],
        ),  # fmt: skip
    ],
)
def test_health_score(facts, score, reasons):
    found = health(facts)
    assert found.score == score
    assert [r.code for r in found.reasons] == reasons
    assert sum(r.points for r in found.reasons) >= 100 - score
    assert all(r.text for r in found.reasons)


BANDS = [(100, "healthy"), (80, "healthy"), (79, "watch"), (50, "watch"), (49, "at_risk"),
         (0, "at_risk")]  # fmt: skip


@pytest.mark.parametrize(("score", "band"), BANDS)
def test_health_bands(score, band):
    assert Health(score).band == band


def test_reasons_say_the_numbers():
    found = health(Facts(csat=D("2.25"), complaints=1, days_since_contact=200,
                         cost=D("198"), revenue=D("100")))  # fmt: skip
    texts = " ".join(r.text for r in found.reasons)
    assert "2.2 of 5" in texts or "2.3 of 5" in texts
    assert "1 complaint in the last 12 months." in texts
    assert "No contact for 200 days." in texts
    assert "198.00" in texts and "100.00" in texts
