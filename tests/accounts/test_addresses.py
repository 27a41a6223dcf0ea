"""Whose address a limit counts: X-Forwarded-For only from trusted proxies, read from the right."""
import ipaddress

from services.accounts.throttle import client_address

LOCAL = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
GATEWAY = (ipaddress.ip_network("10.0.0.0/8"),)


def test_no_proxy():
    assert client_address("203.0.113.5", None, LOCAL) == "203.0.113.5"


def test_an_untrusted_peer_cannot_claim_another_address():
    assert client_address("203.0.113.5", "198.51.100.1", LOCAL) == "203.0.113.5"


def test_a_trusted_proxy_passes_the_client_on():
    assert client_address("127.0.0.1", "198.51.100.1", LOCAL) == "198.51.100.1"


def test_a_forged_header_behind_the_gateway_is_skipped():
    # the client sent "X-Forwarded-For: 1.2.3.4"; the gateway (10.0.0.2) appended the real one
    assert client_address("10.0.0.2", "1.2.3.4, 198.51.100.1", GATEWAY) == "198.51.100.1"
    # web (10.0.0.3) behind the gateway (10.0.0.2): both trusted, the browser's address counts
    assert client_address("10.0.0.3", "1.2.3.4, 198.51.100.1, 10.0.0.2", GATEWAY) == "198.51.100.1"


def test_garbage_in_the_header_is_an_address_of_its_own():
    assert client_address("127.0.0.1", "garbage", LOCAL) == "garbage"
    assert client_address(None, None, LOCAL) == "unknown"
