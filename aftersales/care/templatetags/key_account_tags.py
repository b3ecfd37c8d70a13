"""Template filter of the key-account pages: may this user open them?"""

from django import template

from aftersales.care import key_accounts

register = template.Library()


@register.filter
def may_read_key_accounts(user) -> bool:
    return key_accounts.can_view(user)
