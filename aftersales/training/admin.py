"""Training in the admin: read-only, because enrolments, marks, certificates and the
skills they raise go through the services (seats under a row lock, one transaction)."""

from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.training.models import Certificate, Course, Enrolment, Session, SkillRaise


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "audience", "delivery", "duration_hours", "price", "category",
                    "certifies_level", "active"]  # fmt: skip
    list_filter = ["audience", "delivery", "active"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["course", "starts_at", "trainer", "seats", "status"]
    list_filter = ["status"]
    list_select_related = ["course", "trainer"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["session", "contact", "technician", "price", "contract", "attendance",
                    "result", "score"]  # fmt: skip
    list_filter = ["attendance", "result"]
    list_select_related = ["session__course", "contact", "technician__user", "contract"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "enrolment", "issued_at", "issued_by"]
    search_fields = ["number"]
    list_select_related = ["enrolment__session__course", "issued_by"]


@admin.register(SkillRaise)
class SkillRaiseAdmin(ReadOnlyAdmin):
    list_display = ["technician", "category", "from_level", "to_level", "certificate",
                    "created_at"]  # fmt: skip
    list_select_related = ["technician__user", "category", "certificate"]
