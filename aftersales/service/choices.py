"""The vocabularies of a service request. Values are the API's; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_PARTS = "waiting_parts", _("Waiting on parts")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Still needs work from us or the customer.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.TRIAGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.WAITING_PARTS,
    }
)
WAITING_STATUSES = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_PARTS})
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})

# Bootstrap colour per status, for badges.
STATUS_COLOURS = {
    Status.NEW: "primary",
    Status.TRIAGED: "info",
    Status.ASSIGNED: "info",
    Status.IN_PROGRESS: "warning",
    Status.WAITING_CUSTOMER: "secondary",
    Status.WAITING_PARTS: "secondary",
    Status.RESOLVED: "success",
    Status.CLOSED: "dark",
    Status.CANCELLED: "light",
}


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Customer portal")
    API = "api", _("API")
    CHAT = "chat", _("Chat")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    IOT = "iot", _("Device alarm (IoT)")
    WALK_IN = "walk_in", _("Walk-in")


class Kind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    TRAINING = "training", _("Training")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_COLOURS = {
    Priority.LOW: "secondary",
    Priority.NORMAL: "primary",
    Priority.HIGH: "warning",
    Priority.URGENT: "danger",
}
# For sorting by priority: higher number first.
PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Diagnosis(models.TextChoices):
    UNKNOWN = "unknown", _("Not yet diagnosed")
    HARDWARE = "hardware", _("Hardware fault")
    SOFTWARE = "software", _("Software fault")
    OPERATION = "operation", _("Operation error")


class ResolutionType(models.TextChoices):
    REMOTE = "remote", _("Remote assistance")
    ONSITE = "onsite", _("On-site repair")
    DEPOT = "depot", _("Depot repair")
    EXCHANGE = "exchange", _("Exchange")
    REFUND = "refund", _("Refund / return")
    PARTS = "parts", _("Parts shipped")
    ADVICE = "advice", _("Advice / training")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal note")
    PUBLIC = "public", _("Message to the customer")


class EventKind(models.TextChoices):
    CREATED = "created", _("Request created")
    STATUS = "status", _("Status changed")
    FIELDS = "fields", _("Details changed")
    COMMENT = "comment", _("Comment")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    ATTACHMENT = "attachment", _("Attachment")
    ENTITLEMENT = "entitlement", _("Warranty decision")
    QUOTE = "quote", _("Quote")
    CHARGE = "charge", _("Charge")
    SLA = "sla", _("Service level")
    ESCALATION = "escalation", _("Escalation")
    VISIT = "visit", _("Visit")
    RETURN = "return", _("Return (RMA)")
    SURVEY = "survey", _("Survey answer")
    MESSAGE = "message", _("Message from the customer")


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Incoming call")
    OUTBOUND = "outbound", _("Outgoing call")
