"""One adapter per webhook provider: `verify(request)` checks the signature, `parse(request)`
reads the delivery into `InboundText`s. A provider without its secret is switched off."""

from aftersales.intake.adapters.base import Adapter, Forbidden, InboundText, Malformed
from aftersales.intake.adapters.chat import ChatAdapter
from aftersales.intake.adapters.sms import SmsAdapter
from aftersales.intake.adapters.wechat import WeChatAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    adapter.provider: adapter for adapter in (WeChatAdapter, SmsAdapter, ChatAdapter)
}


def configured(provider: str) -> Adapter | None:
    """The adapter of `provider` with its secret, or None (unknown or switched off)."""
    adapter = ADAPTERS.get(provider)
    return adapter.configured() if adapter else None


__all__ = ["ADAPTERS", "Adapter", "Forbidden", "InboundText", "Malformed", "configured"]
