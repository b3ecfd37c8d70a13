import pytest
from django.test import RequestFactory

from aftersales.core.http import client_ip, next_url


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: a client's header is not believed
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # our proxy appended the real address
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (1, "", "10.0.0.1"),  # the proxy sent no header: the connection's address
    ],
)
def test_the_client_address_is_the_one_our_own_proxies_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/requests/SR-1/", "/requests/SR-1/"), ("/visits/3/?tab=parts", "/visits/3/?tab=parts"),
     ("", None), ("https://evil.example/", None), ("//evil.example/", None),
     ("/\\evil.example", None), ("javascript:alert(1)", None)],
)  # fmt: skip
def test_forms_go_back_only_to_our_own_pages(rf, target, expected):
    assert next_url(rf.post("/x/", {"next": target})) == expected
