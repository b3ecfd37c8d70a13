"""The site's URLs with this app's API routes mounted, until `aftersales/api_urls.py`
includes `accounts.api.routes` itself (then the first match is the same view)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from aftersales.accounts.api.routes import PATHS, ROUTES
from aftersales.urls import urlpatterns as site

router = SimpleRouter()
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [path("api/v1/", include([*PATHS, *router.urls])), *site]
