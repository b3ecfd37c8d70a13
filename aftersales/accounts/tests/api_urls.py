"""The site's URLs with the sign-up API mounted, until `aftersales/api_urls.py` includes
`accounts.api.routes.PATHS` itself (then the first match is the same view)."""

from django.urls import include, path

from aftersales.accounts.api.routes import PATHS
from aftersales.urls import urlpatterns as site

urlpatterns = [path("api/v1/", include(PATHS)), *site]
