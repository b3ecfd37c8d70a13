"""Demo data of the email channel: the service mailbox and a few mails that came in
through it, received exactly as the SMTP receiver or IMAP polling would hand them over."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from aftersales.inbox import services
from aftersales.inbox.models import Mailbox

ADDRESS = "service@aftersales.example.com"

# (sender name, address, subject, body): a stranger with a new problem, and one who
# writes with a photo-less follow-up in the same thread.
MAILS = [
    (
        "刘芳",
        "liufang@example.net",
        "洗衣机脱水时噪音很大",
        "您好，我家的滚筒洗衣机（序列号 WM-DEMO-0001）最近脱水时声音特别大，"
        "像是有东西在撞。请问需要上门检查吗？我工作日晚上和周末都在家。\n\n刘芳\n139 1000 2233",
    ),
    (
        "Mark Chen",
        "mark.chen@example.org",
        "Dishwasher shows error E24",
        "Hello, our dishwasher stopped mid-cycle and shows E24. There is water left at the "
        "bottom. Could someone come and have a look this week?\n\nThanks,\nMark",
    ),
]


def _raw(name: str, address: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = ADDRESS
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2])
    message.set_content(body)
    return message.as_bytes()


def load(actor=None) -> dict:
    mailbox, _ = Mailbox.objects.get_or_create(
        address=ADDRESS,
        defaults={"name": "客户服务邮箱", "is_default": True, "language": "zh-hans"},
    )
    received = [services.receive(_raw(*mail), mailbox) for mail in MAILS]
    return {"mailboxes": 1, "mails": len(received)}
