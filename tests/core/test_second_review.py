"""Which coded visits go to second review, and E/M level outliers."""

from __future__ import annotations

from medbill.core.second_review import em_distribution, in_sample, review_reasons


def _reasons(lines, **kw):
    base = {"visit_id": 7, "coder_finished": 50, "new_coder_visits": 20, "sample_percent": 0}
    return review_reasons(lines=lines, **{**base, **kw})


def test_routine_visit_is_not_reviewed():
    assert _reasons([("99213", []), ("87880", [])]) == []


def test_each_high_risk_trigger():
    assert _reasons([("99215", [])]) == ["highest-level office visit 99215"]
    assert _reasons([("99205", [])]) == ["highest-level office visit 99205"]
    for mod in ("25", "59", "XE", "XS", "XP", "XU"):
        assert _reasons([("20610", [mod])]) == [f"modifier {mod} on 20610"]
    assert _reasons([("99213", ["RT"])]) == []
    assert _reasons([("99213", [])], changed_codes=["E1165"]) == [
        "changed from the suggestion: E1165"
    ]
    assert _reasons([("99213", [])], coder_finished=3) == ["new coder (visit 4 of the first 20)"]


def test_sample_is_deterministic_and_near_its_share():
    picked = [v for v in range(1, 2001) if in_sample(v, 10)]
    assert 150 <= len(picked) <= 250
    assert picked == [v for v in range(1, 2001) if in_sample(v, 10)]
    assert not any(in_sample(v, 0) for v in range(100))
    assert all(in_sample(v, 100) for v in range(100))
    one = picked[0]
    assert _reasons([("99213", [])], visit_id=one, sample_percent=10) == [
        "random sample (10% of visits)"
    ]
    out = next(v for v in range(1, 100) if not in_sample(v, 10))
    assert _reasons([("99213", [])], visit_id=out, sample_percent=10) == []


def test_em_outliers_by_points_and_by_deviation():
    usual = {"99212": 10, "99213": 55, "99214": 30, "99215": 5}
    counts = {f"Usual {i}": dict(usual) for i in range(10)}
    counts["Cruz"] = {"99213": 20, "99214": 30, "99215": 50}  # bills the top level half the time
    counts["Diaz"] = {"99215": 3}  # too few visits to say anything
    practice, providers = em_distribution(counts)
    assert round(sum(practice.values())) == 100
    by_name = {p.provider: p for p in providers}
    assert not any(by_name[f"Usual {i}"].flagged for i in range(10))
    cruz = {lv.code: lv for lv in by_name["Cruz"].levels}
    assert by_name["Cruz"].flagged and cruz["99215"].outlier and cruz["99213"].outlier
    assert "points" in cruz["99215"].why
    assert not by_name["Diaz"].flagged


def test_em_outlier_by_standard_deviations_when_points_are_small():
    counts = {f"P{i}": {"99213": 500, "99214": 500} for i in range(4)}
    counts["Odd"] = {"99213": 440, "99214": 560}  # 6 points off, ~3.8 SD for 1000 visits
    _, providers = em_distribution(counts)
    odd = next(p for p in providers if p.provider == "Odd")
    assert odd.flagged
    assert "standard deviations" in next(lv for lv in odd.levels if lv.code == "99214").why
