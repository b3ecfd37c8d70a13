"""Reading a raw email: headers, the text a person wrote, attachments, and what kind of
mail it is (an auto-reply, a bounce). Pure functions over the stdlib `email` package.

Chinese mail is often labelled GB2312 while it holds GBK characters, or carries 8-bit
headers without any label: text is decoded with the label's superset (GB18030) and
falls back to UTF-8 and GB18030 before replacing what cannot be read.
"""

import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html import unescape
from html.parser import HTMLParser

from django.core.files.base import ContentFile

# Labels whose characters GB18030 reads as well (it is a superset of both).
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
             "euc-cn": "gb18030", "us-ascii": "utf-8", "ascii": "utf-8"}  # fmt: skip
FALLBACKS = ("utf-8", "gb18030")

MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in the declared charset, else the usual ones, never failing."""
    tried = []
    if charset:
        label = charset.strip().strip('"').lower()
        tried.append(SUPERSETS.get(label, label))
    for encoding in (*tried, *FALLBACKS):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return data.decode(tried[0] if tried else "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def header(message: Message, name: str) -> str:
    """A header as text: encoded words decoded (GB2312 read as GB18030), raw 8-bit bytes
    read as UTF-8 or GB18030, folded lines joined."""
    value = message.get(name)
    if value is None:
        return ""
    raw = _raw_header(message, name)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # 8-bit bytes without an encoded word: the parser kept them as surrogates.
        text = decode_bytes(raw.encode("ascii", "surrogateescape"))
        if "=?" in text:
            text = _decode_words(text)
    else:
        text = str(value)
        if "=?" in text or "\ufffd" in text:
            text = _decode_words(raw or text)
    return " ".join(text.split())


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _decode_words(text: str) -> str:
    try:
        parts = decode_header(text)
    except (ValueError, LookupError):
        return text
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return "".join(out)


def sender(message: Message) -> tuple[str, str]:
    """(name, address) of the From header, the address in lower case."""
    name, address = parseaddr(header(message, "From"))
    return name.strip().strip('"')[:200], address.strip().lower()[:254]


def addresses(message: Message, *names: str) -> list[str]:
    values = [header(message, name) for name in names]
    return [address.lower() for _, address in getaddresses([v for v in values if v]) if address]


def message_ids(value: str) -> list[str]:
    """The <…> ids in an In-Reply-To or References header, in order, each once."""
    seen = []
    for mid in MESSAGE_ID.findall(value or ""):
        if mid not in seen:
            seen.append(mid)
    return seen


# --- Body text ---------------------------------------------------------------------------


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


class _TextFromHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "table", "ul", "ol", "pre", "hr"}  # fmt: skip
    SKIP = {"style", "script", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(unescape(line).split()) for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_part(message: EmailMessage) -> Message | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (KeyError, AttributeError):
        return None


def body_text(message: EmailMessage) -> str:
    """The text of the mail: text/plain if there is one, else its HTML as text."""
    part = body_part(message)
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Lines that start the quoted earlier mail in a reply, in the clients our customers use.
QUOTE_HEADERS = [
    re.compile(r"^-{2,}\s*(原始邮件|Original Message|原始郵件|Forwarded message)\s*-{2,}", re.I),
    re.compile(r"^On .{4,200}wrote:\s*$", re.I | re.S),
    re.compile(r"^在\s*.{4,200}写道[：:]\s*$", re.S),
    re.compile(r"^\d{4}[年/-].{2,200}写道[：:]\s*$", re.S),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^(发件人|From)\s*[:：].+", re.I),
]


def strip_quoted(text: str) -> str:
    """The new words of a reply: the earlier mail it quotes ("On … wrote:",
    "-----原始邮件-----", Outlook's header block, "> " lines) left out. The whole text when
    nothing would remain (a reply written between the quoted lines)."""
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        # "On Mon, … <a@b>" and "wrote:" are often on two lines.
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if any(p.match(stripped) or p.match(joined) for p in QUOTE_HEADERS[:4]) or (
            any(p.match(stripped) for p in QUOTE_HEADERS[4:]) and _quote_block_follows(lines, index)
        ):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or text.strip()


def _quote_block_follows(lines: list[str], index: int) -> bool:
    """An Outlook-style block: "From:" (or a rule) followed within a few lines by "Sent:"
    / "发送时间:" / "Date:" — not a customer who merely writes "From: my shop"."""
    window = " ".join(lines[index : index + 6])
    return bool(re.search(r"(Sent|Date|发送时间|日期|时间)\s*[:：]", window, re.I))


# --- Attachments -------------------------------------------------------------------------


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)

    def as_file(self) -> ContentFile:
        return ContentFile(self.data, name=self.name)


def attachments(message: EmailMessage) -> list[Attachment]:
    """The files sent with the mail (not its text or the HTML version of it); a forwarded
    mail counts as one file."""
    body = body_part(message)
    alternative_bodies = _alternatives_of(message, body)
    found: list[Attachment] = []
    _collect(message, body, alternative_bodies, found, top=True)
    return found


def _alternatives_of(message: Message, body: Message | None) -> set[int]:
    """Ids of the text/html versions that go with the chosen body (not attachments)."""
    ids = set()
    for part in message.walk():
        if part.get_content_type() == "multipart/alternative":
            children = part.get_payload()
            if any(child is body for child in children):
                ids.update(id(child) for child in children)
    return ids


def _collect(part: Message, body, alternatives: set[int], found: list, top=False) -> None:
    content_type = part.get_content_type()
    if content_type == "message/rfc822" and not top:
        inner = part.get_payload()
        data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        name = _filename(part) or "forwarded.eml"
        found.append(Attachment(name, content_type, data))
        return
    if part.is_multipart():
        for child in part.get_payload():
            _collect(child, body, alternatives, found)
        return
    if part is body or id(part) in alternatives:
        return
    name = _filename(part)
    disposition = (part.get_content_disposition() or "").lower()
    if not name and disposition != "attachment":
        return  # a stray text part without a name is not a file the customer sent
    data = part.get_payload(decode=True) or b""
    if not data:
        return
    found.append(Attachment(name or "attachment", content_type, data))


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (ValueError, LookupError):
        name = ""
    if name and ("=?" in name or any("\udc80" <= ch <= "\udcff" for ch in name)):
        name = (
            decode_bytes(name.encode("ascii", "surrogateescape"))
            if any("\udc80" <= ch <= "\udcff" for ch in name)
            else _decode_words(name)
        )
    name = name.replace("/", "_").replace("\\", "_").strip()
    return name[:200]


# --- What kind of mail ----------------------------------------------------------------


AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


def auto_reply_reason(message: Message) -> str:
    """Why this is an automatic mail (out-of-office, list, bulk), or "" when a person
    wrote it. RFC 3834's Auto-Submitted and the headers clients add in practice."""
    auto = header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if message.get(name) is not None:
            return name
    precedence = header(message, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("List-Id", "List-Unsubscribe"):
        if message.get(name) is not None:
            return name
    return ""


def is_bounce(message: Message) -> bool:
    if message.get_content_type() == "multipart/report" and (
        message.get_param("report-type") or ""
    ).lower() in ("delivery-status", "disposition-notification"):
        return True
    _, address = sender(message)
    return address.partition("@")[0] in BOUNCE_SENDERS


@dataclass
class Bounce:
    original_message_ids: list[str]
    reason: str


def bounce_details(message: Message, raw: bytes) -> Bounce:
    """The Message-IDs of the mail that did not arrive and the server's reason."""
    ids: list[str] = []
    reason_lines: list[str] = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is None:
                inner = parse(_part_text(part).encode("utf-8", "replace"))
            ids.extend(message_ids(header(inner, "Message-ID")))
        elif content_type == "message/delivery-status":
            for block in part.get_payload() or []:
                for name in ("Final-Recipient", "Status", "Diagnostic-Code"):
                    value = block.get(name)
                    if value:
                        reason_lines.append(f"{name}: {' '.join(str(value).split())}")
    if not ids:
        # Some servers paste the original headers as text.
        ids = [m for m in message_ids(raw.decode("utf-8", "replace")) if m.startswith("<outbox.")]
    if not reason_lines:
        text = body_text(message) if isinstance(message, EmailMessage) else ""
        reason_lines = [line for line in text.splitlines() if line.strip()][:3]
    return Bounce(ids, "; ".join(reason_lines)[:1000])
