from __future__ import annotations

from kiosk.prefs import Prefs, decode


def test_round_trip_and_classes() -> None:
    p = Prefs(size=4, scheme="dark", spacing="20", elder=True, lang="en")
    assert decode(p.encode()) == p
    assert p.html_class == "kiosk-size-4 kiosk-scheme-dark kiosk-spacing-20 kiosk-elder"


def test_damaged_cookie_gives_defaults() -> None:
    for raw in (None, "", "x", "9.evil.99.1.fr", "1.2.3.4.5.6.7", "<script>.a.b.c.d"):
        p = decode(raw)
        assert p.size == 2 and p.scheme == "default" and p.spacing == "15" and p.lang == "zh-CN"


def test_updates_ignore_invalid_values() -> None:
    p = Prefs()
    assert p.updated({"size": "9", "scheme": "pink", "spacing": "3", "lang": "xx"}) == p
    assert p.updated({"size": "5"}).size == 5
    assert p.updated({"bigger": ""}).size == 3
    assert Prefs(size=5).updated({"bigger": ""}).size == 5
    assert Prefs(size=1).updated({"smaller": ""}).size == 1


def test_elder_mode_and_reset() -> None:
    elder = Prefs(lang="en").updated({"elder": "1"})
    assert (elder.elder, elder.size, elder.scheme, elder.spacing) == (True, 4, "light", "18")
    assert elder.updated({"elder": "0"}) == Prefs(lang="en")
    assert Prefs(size=5, scheme="dark", lang="en").updated({"reset": "1"}) == Prefs(lang="en")


def test_voice_is_a_preference_and_old_cookies_still_read() -> None:
    male, female = Prefs(voice="male"), Prefs(voice="female")
    assert decode(male.encode()) == male and decode(female.encode()) == female
    assert Prefs().updated({"voice": "female"}).voice == "female"
    assert Prefs(voice="female").updated({"voice": "robot"}).voice == "female"
    assert decode("4.dark.20.1.en") == Prefs(
        size=4, scheme="dark", spacing="20", elder=True, lang="en"
    )
    assert decode("2.default.15.0.zh-CN.robot").voice == Prefs().voice
    # the voice survives 适老版 and a reset of the text settings
    assert female.updated({"elder": "1"}).updated({"elder": "0"}).voice == "female"
    assert female.updated({"reset": "1"}).voice == "female"


def test_only_the_other_voice_shows_in_urls() -> None:
    other = "female" if Prefs().voice == "male" else "male"
    assert Prefs().voice_param == "" and Prefs(voice=other).voice_param == other
