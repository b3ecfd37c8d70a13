"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.iot.api.views import AlarmViewSet, MonitorRuleViewSet, ReadingViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("iot/rules", MonitorRuleViewSet, "iot-rule"),
    ("iot/readings", ReadingViewSet, "iot-reading"),
    ("iot/alarms", AlarmViewSet, "iot-alarm"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS: list = []
