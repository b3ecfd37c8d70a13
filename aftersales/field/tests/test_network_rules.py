"""The network's rules: coverage, who covers a place, technicians, skills, absences,
check-ins and who is available on a day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.field import services
from aftersales.field.models import Absence, CenterCoverage, ServiceCenter, SkillLevel, Technician
from aftersales.field.services import Coverage, Skill
from aftersales.field.tests.conftest import make_technician
from aftersales.testing.factories import ServiceCenterFactory, UserFactory

DAY = datetime.date(2026, 6, 10)
pytestmark = pytest.mark.django_db


def cover(center, *places):
    services.save_center(center, actor=None, coverage=[Coverage(*p) for p in places])


class TestCoverage:
    def test_a_manager_saves_a_center_with_its_coverage(self, manager):
        # given
        center = ServiceCenter(code="SC-PD", name="浦东服务中心", daily_capacity=12)
        # when
        services.save_center(
            center, actor=manager, coverage=[Coverage("上海", "浦东新区", "上海"), Coverage("苏州")]
        )
        # then
        rows = list(center.coverage.values_list("city", "district"))
        assert sorted(rows) == [("上海", "浦东新区"), ("苏州", "")]

    def test_a_place_listed_twice_is_refused_and_nothing_changes(self, manager, center):
        cover(center, ("上海",))
        with pytest.raises(ValidationError, match="listed twice"):
            services.save_center(
                center, actor=manager, coverage=[Coverage("杭州"), Coverage(" 杭州 ")]
            )
        assert list(center.coverage.values_list("city", flat=True)) == ["上海"]

    def test_the_database_refuses_a_duplicate_coverage_row(self, center):
        CenterCoverage.objects.create(center=center, city="上海", district="")
        with pytest.raises(IntegrityError), transaction.atomic():
            CenterCoverage.objects.create(center=center, city="上海", district="")

    def test_a_code_taken_by_another_center_is_refused(self, manager, center):
        with pytest.raises(ValidationError, match="Another service center"):
            services.save_center(ServiceCenter(code="sc-own", name="x"), actor=manager)

    @pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
    def test_only_managers_change_centers_and_coverage(self, users, partner_center, role):
        with pytest.raises(NotAllowed):
            services.save_center(partner_center, actor=users[role], coverage=[Coverage("广州")])
        assert not partner_center.coverage.exists()


class TestCentersCovering:
    def test_a_district_match_comes_before_a_whole_city_and_own_before_partners(self):
        # given
        city_partner = ServiceCenterFactory(code="A-P", kind="partner")
        city_own = ServiceCenterFactory(code="B-O", kind="own")
        district_partner = ServiceCenterFactory(code="C-P", kind="partner")
        district_own = ServiceCenterFactory(code="D-O", kind="own")
        elsewhere = ServiceCenterFactory(code="E-O")
        cover(city_partner, ("上海",))
        cover(city_own, ("上海",))
        cover(district_partner, ("上海", "浦东新区"))
        cover(district_own, ("上海", "浦东新区"), ("上海",))
        cover(elsewhere, ("上海", "徐汇区"))
        # when
        found = services.centers_covering("上海市", "浦东新区")
        # then
        assert found == [district_own, district_partner, city_own, city_partner]

    def test_without_a_district_only_whole_city_coverage_counts(self):
        whole, part = ServiceCenterFactory(code="W"), ServiceCenterFactory(code="P")
        cover(whole, ("北京",))
        cover(part, ("北京", "朝阳区"))
        assert services.centers_covering("北京") == [whole]

    def test_inactive_centers_and_unknown_cities_give_nothing(self):
        closed = ServiceCenterFactory(code="X", active=False)
        cover(closed, ("成都",))
        assert services.centers_covering("成都") == []
        assert services.centers_covering("") == []


class TestTechnicians:
    def test_a_manager_creates_a_profile_with_skills(self, manager, center, aircon, washer):
        # given
        user = UserFactory(username="li", role=Role.TECHNICIAN, service_center=center)
        # when
        tech = services.save_technician(
            Technician(user=user, home_center=center, phone="139"),
            actor=manager,
            skills=[Skill(aircon, SkillLevel.SENIOR), Skill(washer, SkillLevel.TRAINEE)],
        )
        # then
        levels = dict(tech.skills.values_list("category__code", "level"))
        assert levels == {"AC": SkillLevel.SENIOR, "WM": SkillLevel.TRAINEE}
        assert SkillLevel.TRAINEE < SkillLevel.CERTIFIED < SkillLevel.SENIOR < SkillLevel.EXPERT

    def test_an_agent_cannot_have_a_technician_profile(self, manager, agent, center):
        with pytest.raises(ValidationError, match="Only technicians and partner staff"):
            services.save_technician(Technician(user=agent, home_center=center), actor=manager)
        assert not Technician.objects.exists()

    def test_a_person_of_another_center_cannot_be_based_here(self, manager, center, other_center):
        user = UserFactory(role=Role.TECHNICIAN, service_center=other_center)
        with pytest.raises(ValidationError, match="another service center"):
            services.save_technician(Technician(user=user, home_center=center), actor=manager)

    def test_a_category_listed_twice_is_refused(self, manager, own_tech, aircon):
        with pytest.raises(ValidationError, match="listed twice"):
            services.save_technician(
                own_tech, actor=manager, skills=[Skill(aircon, 1), Skill(aircon, 2)]
            )
        assert not own_tech.skills.exists()

    def test_partner_staff_manage_their_own_centers_technicians(self, partner, partner_center):
        # given
        user = UserFactory(role=Role.TECHNICIAN, service_center=partner_center)
        # when
        tech = services.save_technician(
            Technician(user=user, home_center=partner_center), actor=partner
        )
        # then
        assert tech.pk

    def test_partner_staff_cannot_touch_another_centers_technicians(
        self, partner, other_tech, other_center
    ):
        other_tech.phone = "110"
        with pytest.raises(NotAllowed, match="your own service center"):
            services.save_technician(other_tech, actor=partner)
        user = UserFactory(role=Role.TECHNICIAN, service_center=other_center)
        with pytest.raises(NotAllowed):
            services.save_technician(Technician(user=user, home_center=other_center), actor=partner)

    def test_partner_staff_cannot_move_a_technician_to_another_center(
        self, partner, partner_tech, other_center
    ):
        partner_tech.user.service_center = None
        partner_tech.user.save()
        partner_tech.home_center = other_center
        with pytest.raises(NotAllowed):
            services.save_technician(partner_tech, actor=partner)
        partner_tech.refresh_from_db()
        assert partner_tech.home_center.code == "SC-PARTNER"

    @pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "customer"])
    def test_other_roles_cannot_change_technicians(self, users, own_tech, role):
        own_tech.phone = "1"
        with pytest.raises(NotAllowed):
            services.save_technician(own_tech, actor=users[role])

    def test_the_day_starts_at_the_home_center_unless_told_otherwise(self, center, own_tech):
        assert own_tech.start_point is None
        center.latitude, center.longitude = 31.2, 121.5
        assert own_tech.start_point == (31.2, 121.5)
        own_tech.start_latitude, own_tech.start_longitude = 31.0, 121.0
        assert own_tech.start_point == (31.0, 121.0)


class TestAbsences:
    def test_an_absence_ending_before_it_starts_is_refused(self, manager, own_tech):
        with pytest.raises(ValidationError, match="cannot be before"):
            services.add_absence(
                own_tech, actor=manager, starts_on=DAY, ends_on=DAY - datetime.timedelta(1),
                reason="leave",
            )  # fmt: skip
        assert not Absence.objects.exists()

    def test_the_database_refuses_an_absence_ending_before_it_starts(self, own_tech):
        with pytest.raises(IntegrityError), transaction.atomic():
            Absence.objects.create(
                technician=own_tech, starts_on=DAY, ends_on=DAY - datetime.timedelta(1),
                reason="sick",
            )  # fmt: skip

    def test_overlapping_absences_are_refused(self, manager, own_tech):
        services.add_absence(
            own_tech, actor=manager, starts_on=DAY, ends_on=DAY + datetime.timedelta(4),
            reason="leave",
        )  # fmt: skip
        with pytest.raises(ValidationError, match="overlaps"):
            services.add_absence(
                own_tech, actor=manager, starts_on=DAY + datetime.timedelta(4), ends_on=DAY
                + datetime.timedelta(6), reason="sick",
            )  # fmt: skip

    def test_partner_staff_add_and_remove_absences_of_their_center_only(
        self, partner, partner_tech, other_tech
    ):
        absence = services.add_absence(
            partner_tech, actor=partner, starts_on=DAY, ends_on=DAY, reason="sick", note="发烧"
        )
        assert absence.created_by == partner
        services.remove_absence(absence, actor=partner)
        assert not Absence.objects.exists()
        with pytest.raises(NotAllowed):
            services.add_absence(
                other_tech, actor=partner, starts_on=DAY, ends_on=DAY, reason="sick"
            )

    def test_a_technician_cannot_enter_their_own_absence(self, technician, own_tech):
        with pytest.raises(NotAllowed):
            services.add_absence(
                own_tech, actor=technician, starts_on=DAY, ends_on=DAY, reason="leave"
            )


class TestPositions:
    def test_a_technician_checks_in(self, technician, own_tech):
        at = timezone.now()
        services.record_position(own_tech, "31.230416", 121.473701, at, actor=technician)
        own_tech.refresh_from_db()
        assert (str(own_tech.last_latitude), own_tech.last_seen_at) == ("31.230416", at)

    def test_an_older_check_in_does_not_overwrite_a_newer_one(self, own_tech):
        now = timezone.now()
        services.record_position(own_tech, 31, 121, now)
        services.record_position(own_tech, 30, 120, now - datetime.timedelta(hours=1))
        assert (own_tech.last_latitude, own_tech.last_seen_at) == (31, now)

    @pytest.mark.parametrize(
        ("lat", "lon", "message"),
        [(91, 0, "latitude must be between"), (0, 181, "longitude must be between"),
         ("north", 0, "must be a number")],
    )  # fmt: skip
    def test_impossible_positions_are_refused(self, own_tech, lat, lon, message):
        with pytest.raises(DomainError, match=message):
            services.record_position(own_tech, lat, lon)
        own_tech.refresh_from_db()
        assert own_tech.last_seen_at is None

    def test_nobody_else_in_the_field_records_a_technicians_position(self, other_partner, own_tech):
        with pytest.raises(NotAllowed):
            services.record_position(own_tech, 31, 121, actor=other_partner)


class TestAvailability:
    def test_absent_inactive_and_other_centers_technicians_are_not_available(
        self, center, own_tech, other_tech
    ):
        # given
        sick = make_technician(center, "sick")
        Absence.objects.create(technician=sick, starts_on=DAY, ends_on=DAY, reason="sick")
        back = make_technician(center, "back")
        Absence.objects.create(
            technician=back, starts_on=DAY - datetime.timedelta(3),
            ends_on=DAY - datetime.timedelta(1), reason="leave",
        )  # fmt: skip
        make_technician(center, "gone", active=False)
        # when
        names = [t.user.username for t in services.available_technicians(center, DAY)]
        # then
        assert names == ["back", "tech"]

    def test_a_skill_for_the_category_or_its_parent_counts_at_any_level(
        self, center, aircon, wall_unit, washer
    ):
        parent_skill = make_technician(center, "a-parent")
        parent_skill.skills.create(category=aircon, level=SkillLevel.TRAINEE)
        exact = make_technician(center, "b-exact")
        exact.skills.create(category=wall_unit, level=SkillLevel.EXPERT)
        make_technician(center, "c-washer").skills.create(category=washer)
        found = services.available_technicians(center, DAY, skill_category=wall_unit)
        assert [t.user.username for t in found] == ["a-parent", "b-exact"]
        found = services.available_technicians(center, DAY, skill_category=aircon)
        assert [t.user.username for t in found] == ["a-parent"]


class TestVisibility:
    def test_each_role_sees_its_part_of_the_network(
        self, users, center, partner_center, other_center, own_tech, partner_tech, other_tech
    ):
        def seen(role):
            user = users[role]
            return (
                set(services.visible_centers(user).values_list("code", flat=True)),
                set(services.visible_technicians(user).values_list("user__username", flat=True)),
            )

        everything = ({"SC-OWN", "SC-PARTNER", "SC-OTHER"}, {"tech", "ptech", "otech"})
        for role in ("admin", "manager", "agent", "dispatcher"):
            assert seen(role) == everything, role
        assert seen("partner") == ({"SC-PARTNER"}, {"ptech"})
        assert seen("technician") == ({"SC-OWN"}, {"tech"})
        assert seen("customer") == (set(), set())
