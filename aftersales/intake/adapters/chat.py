"""The chat widget on the company's website (or a chat service) forwarding visitors' lines.

POST JSON `{"id": "...", "visitor": {"id": "...", "name": "...", "phone": "...",
"email": "..."}, "text": "...", "sent_at": "..."}` (or `{"messages": [...]}`), headers
`X-Chat-Timestamp` (Unix seconds) and `X-Chat-Signature` (`sha256=` and the hex
HMAC-SHA256 of "<timestamp>.<body>" with `CHAT_WEBHOOK_SECRET`).
"""

from aftersales.intake.adapters.base import HmacJsonAdapter, InboundText, Malformed, moment, text


class ChatAdapter(HmacJsonAdapter):
    provider = "chat"
    secret_setting = "CHAT_WEBHOOK_SECRET"
    timestamp_header = "X-Chat-Timestamp"
    signature_header = "X-Chat-Signature"

    def parse(self, request) -> list[InboundText]:
        messages = []
        for item in self.payloads(request):
            visitor = item.get("visitor") if isinstance(item.get("visitor"), dict) else {}
            message_id, visitor_id = text(item.get("id"), 128), text(visitor.get("id"), 128)
            if not message_id or not visitor_id:
                raise Malformed("a message needs an id and a visitor id")
            messages.append(
                InboundText(
                    provider=self.provider,
                    message_id=message_id,
                    sender_id=visitor_id,
                    body=text(item.get("text")),
                    sent_at=moment(item.get("sent_at")),
                    name=text(visitor.get("name"), 200),
                    phone=text(visitor.get("phone"), 40),
                    email=text(visitor.get("email"), 254),
                )  # fmt: skip
            )
        return messages
