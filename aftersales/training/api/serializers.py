from rest_framework import serializers

from aftersales.training.models import Certificate, Course, Enrolment, Result, Session


class CourseSerializer(serializers.ModelSerializer):
    # Plain fields: the enum names "audience" and the skill levels are taken in the schema.
    audience = serializers.CharField(
        read_only=True, help_text="executives, managers, it_staff, operators or support"
    )
    certifies_level = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="1 trainee, 2 certified, 3 senior, 4 expert"
    )

    class Meta:
        model = Course
        fields = ["id", "title", "audience", "delivery", "duration_hours", "price", "currency",
                  "included_in_plans", "category", "product", "certifies_level", "description",
                  "active"]  # fmt: skip
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    place = serializers.CharField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "course", "course_title", "starts_at", "ends_at", "trainer", "center",
                  "address", "online_link", "place", "seats", "seats_left", "status"]  # fmt: skip
        read_only_fields = fields


class EnrolmentSerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True, default=None)
    certificate = serializers.CharField(source="certificate.number", read_only=True, default=None)

    class Meta:
        model = Enrolment
        fields = ["id", "session", "contact", "customer", "technician", "price", "currency",
                  "contract", "contract_number", "attendance", "result", "score",
                  "certificate", "enrolled_at"]  # fmt: skip
        read_only_fields = fields


class EnrolSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    contact = serializers.IntegerField(required=False, allow_null=True, default=None)
    technician = serializers.IntegerField(required=False, allow_null=True, default=None)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    result = serializers.ChoiceField(choices=Result.choices, required=False, default="")
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True, default=None
    )


class CertificateSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="enrolment.session.course.title", read_only=True)
    person = serializers.SerializerMethodField()
    technician = serializers.IntegerField(source="enrolment.technician_id", read_only=True)
    contact = serializers.IntegerField(source="enrolment.contact_id", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "number", "enrolment", "course_title", "person", "technician", "contact",
                  "issued_at", "pdf_url"]  # fmt: skip
        read_only_fields = fields

    def get_person(self, obj) -> str:
        return str(obj.enrolment.person)

    def get_pdf_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("training:certificate", args=[obj.number])
