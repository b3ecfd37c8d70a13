"""An SMS gateway forwarding the texts customers send to our number.

POST JSON `{"id": "...", "from": "+8613800138000", "text": "...", "received_at": "..."}`
(or `{"messages": [...]}`), headers `X-Sms-Timestamp` (Unix seconds) and
`X-Sms-Signature` (hex HMAC-SHA256 of "<timestamp>.<body>" with `SMS_WEBHOOK_SECRET`).
"""

from aftersales.intake.adapters.base import HmacJsonAdapter, InboundText, Malformed, moment, text


class SmsAdapter(HmacJsonAdapter):
    provider = "sms"
    secret_setting = "SMS_WEBHOOK_SECRET"
    timestamp_header = "X-Sms-Timestamp"
    signature_header = "X-Sms-Signature"

    def parse(self, request) -> list[InboundText]:
        messages = []
        for item in self.payloads(request):
            message_id, phone = text(item.get("id"), 128), text(item.get("from"), 40)
            if not message_id or not phone:
                raise Malformed("a message needs an id and a sender")
            messages.append(
                InboundText(
                    provider=self.provider,
                    message_id=message_id,
                    sender_id=phone,
                    phone=phone,
                    body=text(item.get("text")),
                    sent_at=moment(item.get("received_at")),
                )  # fmt: skip
            )
        return messages
