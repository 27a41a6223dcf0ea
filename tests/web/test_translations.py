"""The English catalogue: complete, compiled, and used when the visitor switches language."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from .conftest import csrf_of

WEB = Path(__file__).resolve().parents[2] / "services" / "web"
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def test_every_string_of_the_pages_has_an_english_translation():
    source = {msg[2] if isinstance(msg[2], str) else msg[2][0]
              for msg in extract_from_dir(str(WEB), method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
                                          keywords={"_": None, "_l": None, "gettext": None})}
    with PO.open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    assert len(source) > 200 and "报名" in source  # templates and Python both read
    missing = sorted(s for s in source if not catalogue.get(s))
    assert not missing, f"run `make translations` and translate: {missing[:5]}"


def test_the_compiled_catalogue_matches_the_po():
    with PO.open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id and m.string}
    with MO.open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, "run `make translations` (pybabel compile) and commit the .mo"


def test_the_language_switch_turns_the_pages_english(browser_client):
    page = browser_client.get("/signin").get_data(as_text=True)
    assert "职工：用手机号登录" in page
    resp = browser_client.post("/language", data={"lang": "en", "next": "/signin", "csrf_token": csrf_of(page)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/signin"
    page = browser_client.get("/signin").get_data(as_text=True)
    assert '<html lang="en">' in page and "Workers: sign in with your mobile number" in page
    assert browser_client.get("/offers?kind=night_class").get_data(as_text=True).count("Night school") >= 1
