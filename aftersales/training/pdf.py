"""The training certificate as an A4 PDF in the reader's language (`service.pdf.a4_pdf`,
whose CID font prints Chinese without a font file)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from aftersales.service.pdf import _p, _pairs, a4_pdf
from aftersales.training.models import Certificate


def render(certificate: Certificate, *, compress: bool = True) -> bytes:
    enrolment = certificate.enrolment
    session = enrolment.session
    course = session.course
    person = str(enrolment.person)
    if enrolment.contact_id and enrolment.customer_id:
        person = f"{person} ({enrolment.customer.name})"
    service_name = getattr(settings, "SERVICE_NAME", "") or "aftersales"
    facts = [
        (_("Course"), course.title),
        (pgettext("training course", "Audience"), course.get_audience_display()),
        (_("Held on"), timezone.localtime(session.starts_at).strftime("%Y-%m-%d")),
        (_("Duration (hours)"), course.duration_hours),
        (_("Place"), session.place),
        (_("Trainer"), session.trainer or "—"),
        (_("Score"), enrolment.score if enrolment.score is not None else "—"),
        (pgettext("certificate", "Number"), certificate.number),
    ]
    if enrolment.technician_id and course.certifies_level and course.category_id:
        facts.append(
            (_("Skill level"), f"{course.category} — {course.get_certifies_level_display()}")
        )
    story = [
        Spacer(1, 20 * mm),
        _p(service_name, "company"),
        Spacer(1, 8 * mm),
        _p(_("Certificate of training"), "title"),
        Spacer(1, 10 * mm),
        _p(_("This certifies that"), "label"),
        _p(person, "title"),
        Spacer(1, 4 * mm),
        _p(_("attended and passed the course"), "label"),
        _p(course.title, "company"),
        Spacer(1, 10 * mm),
        _pairs([(label, value) for label, value in facts]),
        Spacer(1, 16 * mm),
        _p(
            _("Issued on %(date)s")
            % {"date": timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")}
        ),
    ]
    return a4_pdf(
        story,
        title=f"{_('Certificate of training')} {certificate.number}",
        author=service_name,
        footer=certificate.number,
        compress=compress,
    )
