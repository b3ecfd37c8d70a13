"""The JSON API, version 1. Each app contributes its viewsets in `<app>/api/`."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from aftersales.accounts.api import routes as accounts_routes
from aftersales.accounts.api.views import MeView, TokenView
from aftersales.analytics.api import routes as analytics_routes
from aftersales.assets.api.views import UnitViewSet
from aftersales.care.api import routes as care_routes
from aftersales.catalog.api.views import (
    CategoryViewSet,
    FaultCodeViewSet,
    ProductViewSet,
    SparePartViewSet,
)
from aftersales.complaints.api import routes as complaints_routes
from aftersales.customers.api.views import CustomerViewSet
from aftersales.dispatch.api import routes as dispatch_routes
from aftersales.escalations.api.views import EscalationRuleViewSet
from aftersales.faults.api import routes as faults_routes
from aftersales.field.api import routes as field_routes
from aftersales.followup.api import routes as followup_routes
from aftersales.inbox.api import routes as inbox_routes
from aftersales.intake.api import routes as intake_routes
from aftersales.iot.api import routes as iot_routes
from aftersales.kb.api import routes as kb_routes
from aftersales.maintenance.api import routes as maintenance_routes
from aftersales.notifications.api import routes as notification_routes
from aftersales.parts.api import routes as parts_routes
from aftersales.portal.api import routes as portal_routes
from aftersales.returns.api import routes as returns_routes
from aftersales.service.api.entitlement import EvaluateView
from aftersales.service.api.quotes import (
    ChargeViewSet,
    QuoteViewSet,
    TicketChargesView,
    TicketQuotesView,
)
from aftersales.service.api.views import TicketViewSet
from aftersales.settlement.api import routes as settlement_routes
from aftersales.sla.api import routes as sla_routes
from aftersales.training.api import routes as training_routes
from aftersales.warranty.api.views import (
    ContractViewSet,
    ExtendedWarrantyViewSet,
    ServicePlanViewSet,
    SupplierWarrantyViewSet,
    VendorClaimViewSet,
    WarrantyPolicyViewSet,
)

router = DefaultRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("products", ProductViewSet, basename="product")
router.register("fault-codes", FaultCodeViewSet, basename="fault-code")
router.register("spare-parts", SparePartViewSet, basename="spare-part")
router.register("customers", CustomerViewSet, basename="customer")
router.register("units", UnitViewSet, basename="unit")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("warranty-policies", WarrantyPolicyViewSet, basename="warranty-policy")
router.register("service-plans", ServicePlanViewSet, basename="service-plan")
router.register("contracts", ContractViewSet, basename="contract")
router.register("extended-warranties", ExtendedWarrantyViewSet, basename="extended-warranty")
router.register("supplier-warranties", SupplierWarrantyViewSet, basename="supplier-warranty")
router.register("vendor-claims", VendorClaimViewSet, basename="vendor-claim")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("charges", ChargeViewSet, basename="charge")
router.register("escalation-rules", EscalationRuleViewSet, basename="escalation-rule")
for app_routes in (
    accounts_routes,
    sla_routes,
    notification_routes,
    field_routes,
    dispatch_routes,
    settlement_routes,
    parts_routes,
    returns_routes,
    followup_routes,
    complaints_routes,
    care_routes,
    kb_routes,
    inbox_routes,
    intake_routes,
    portal_routes,
    analytics_routes,
    faults_routes,
    iot_routes,
    maintenance_routes,
    training_routes,
):
    for prefix, viewset, basename in app_routes.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/me/", MeView.as_view(), name="api-me"),
    path("warranty/evaluate/", EvaluateView.as_view(), name="api-warranty-evaluate"),
    path("tickets/<int:ticket_id>/quotes/", TicketQuotesView.as_view(), name="ticket-quotes"),
    path("tickets/<int:ticket_id>/charges/", TicketChargesView.as_view(), name="ticket-charges"),
    *accounts_routes.PATHS,
    *sla_routes.PATHS,
    *notification_routes.PATHS,
    *field_routes.PATHS,
    *dispatch_routes.PATHS,
    *settlement_routes.PATHS,
    *parts_routes.PATHS,
    *returns_routes.PATHS,
    *followup_routes.PATHS,
    *complaints_routes.PATHS,
    *care_routes.PATHS,
    *kb_routes.PATHS,
    *inbox_routes.PATHS,
    *intake_routes.PATHS,
    *portal_routes.PATHS,
    *analytics_routes.PATHS,
    *faults_routes.PATHS,
    *iot_routes.PATHS,
    *maintenance_routes.PATHS,
    *training_routes.PATHS,
    *router.urls,
]
