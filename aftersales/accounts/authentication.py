"""DRF authentication by `Authorization: Token <token>`, checked against stored digests."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from aftersales.accounts.tokens import user_for_token


class HashedTokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        return (user, key)
