"""POST /accounts/sessions/password: staff and admin sign-in, slow-down, lock-out, same answer for unknown names."""
from datetime import datetime

import jwt

from services.accounts.passwords import Hasher

from shared.auth import decode_token
from tests.helpers import SECRET, assert_problem

URL = "/accounts/sessions/password"


def sign_in(client, username="li", password="correct horse 1", **kw):
    return client.post(URL, {"username": username, "password": password}, **kw)


def test_staff_signs_in_and_gets_a_two_hour_token_the_services_accept(client, acc, make_user):
    user = make_user()
    resp = sign_in(client)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["user"] == {"id": user.id, "role": "staff", "union_id": "u-sip", "display_name": "李明",
                            "username": "li"}
    principal = decode_token(SECRET, body["token"])
    assert (principal.sub, principal.role, principal.union_id) == (user.id, "staff", "u-sip")
    claims = jwt.decode(body["token"], SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 2 * 3600
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset().total_seconds() == 8 * 3600 and int(expires.timestamp()) == claims["exp"]
    # the token works on another service
    assert client.get("/catalog/unions", token=body["token"]).status_code == 200


def test_username_is_case_insensitive_and_admin_has_no_union(client, acc, make_user):
    make_user(username="Boss", role="admin", display_name="管理员")
    body = sign_in(client, "BOSS").get_json()
    assert body["user"]["role"] == "admin" and body["user"]["union_id"] is None and body["user"]["username"] == "boss"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, acc, make_user):
    make_user()
    wrong = sign_in(client, password="not the one at all")
    unknown = sign_in(client, username="nobody")
    for resp in (wrong, unknown):
        assert_problem(resp, 401, "invalid-credentials")
    assert wrong.get_json() == unknown.get_json()
    assert set(wrong.headers.keys()) - {"X-Request-Id"} == set(unknown.headers.keys()) - {"X-Request-Id"}


def test_unknown_user_costs_a_hash_like_a_known_one(client, acc, make_user):
    calls = []
    inner = acc.hasher.hasher

    class Counting:
        def hash(self, password):
            return inner.hash(password)

        def verify(self, stored, password):
            calls.append(stored)
            return inner.verify(stored, password)

        def check_needs_rehash(self, stored):
            return inner.check_needs_rehash(stored)

    acc.hasher = Hasher(Counting())
    make_user()
    sign_in(client, username="nobody")
    sign_in(client, password="wrong password!")
    assert len(calls) == 2 and calls[0] == acc.hasher.dummy and calls[1].startswith("$argon2id$")
    assert calls[1] != acc.hasher.dummy


def test_disabled_account_cannot_sign_in(client, acc, make_user):
    make_user(active=False)
    assert_problem(sign_in(client), 401, "invalid-credentials")


def test_failures_slow_down_then_lock_even_the_right_password(client, acc, clock, make_user):
    make_user()
    for _ in range(5):
        assert_problem(sign_in(client, password="wrong password!"), 401, "invalid-credentials")
    assert acc.slept == [0.5, 1.0]  # the 3rd and 4th failures answer later; the 5th locks
    resp = sign_in(client)
    body = assert_problem(resp, 429, "rate-limited")
    assert resp.headers["Retry-After"] == "900" and body["retry_after"] == 900
    clock.advance(minutes=10)
    assert sign_in(client).headers["Retry-After"] == "300"
    clock.advance(minutes=5)
    assert sign_in(client).status_code == 200


def test_unknown_username_locks_the_same_way(client, acc, make_user):
    for _ in range(5):
        assert_problem(sign_in(client, username="ghost"), 401, "invalid-credentials")
    assert_problem(sign_in(client, username="ghost"), 429, "rate-limited")


def test_success_forgets_earlier_failures(client, acc, make_user):
    make_user()
    for _ in range(4):
        sign_in(client, password="wrong password!")
    assert sign_in(client).status_code == 200
    for _ in range(4):
        assert sign_in(client, password="wrong password!").status_code == 401
    assert sign_in(client).status_code == 200


def test_failures_out_of_the_window_do_not_add_up(client, acc, clock, make_user):
    make_user()
    for _ in range(4):
        sign_in(client, password="wrong password!")
    clock.advance(minutes=16)
    sign_in(client, password="wrong password!")
    assert sign_in(client).status_code == 200


def test_one_client_address_trying_many_usernames_is_locked(client, acc, make_user):
    for i in range(30):
        assert sign_in(client, username=f"user{i}").status_code == 401
    assert_problem(sign_in(client, username="someone-else"), 429, "rate-limited")
    # another address, passed on by a trusted proxy (loopback by default), is not
    assert sign_in(client, username="someone-else", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                   headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 401


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(client, acc):
    for i in range(30):
        sign_in(client, username=f"user{i}", environ_base={"REMOTE_ADDR": "198.51.100.7"},
                headers={"X-Forwarded-For": f"10.0.0.{i}"})
    resp = sign_in(client, username="x", environ_base={"REMOTE_ADDR": "198.51.100.7"},
                   headers={"X-Forwarded-For": "10.9.9.9"})
    assert_problem(resp, 429, "rate-limited")


def test_bad_bodies_are_422(client, acc):
    assert_problem(client.post(URL, {"username": "li"}), 422, "validation-error")
    body = assert_problem(client.post(URL, {"username": "li", "password": "x", "extra": 1}), 422)
    assert "extra" in body["errors"]
    assert_problem(client.post(URL, {"username": "", "password": "x" * 5}), 422)


def test_parallel_guesses_get_no_more_than_five_checks(acc, make_user):
    """Twelve wrong passwords at once (real threads; on PostgreSQL too): five are checked, the rest are 429."""
    import threading

    from services.accounts import passwords
    from shared.errors import DomainError

    make_user()
    checked, answers = [], []
    inner = acc.hasher.hasher

    class Counting:
        def hash(self, password):
            return inner.hash(password)

        def verify(self, stored, password):
            checked.append(password)
            return inner.verify(stored, password)

        def check_needs_rehash(self, stored):
            return False

    hasher = Hasher(Counting())
    barrier = threading.Barrier(12)

    def guess(i):
        barrier.wait()
        try:
            passwords.sign_in(acc.db, hasher, "li", f"guess number {i}", "198.51.100.3", acc.clock(), lambda s: None)
        except DomainError as exc:
            answers.append(exc.status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 5 and sorted(answers) == [401] * 5 + [429] * 7
