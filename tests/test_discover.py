"""Discover under AppTest: chips that become filters, honest counts, reasons, named "more like this"."""
import pytest
from streamlit.testing.v1 import AppTest
from testkit.apptest import DISCOVER


def _names(at):
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_chips_show_what_was_read_and_become_filters(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("red floral dress").run()
    assert not at.exception and not at.error
    chips = [b for b in at.button if b.label.startswith("+ ")]
    assert [b.label for b in chips] == ["+ dress", "+ red", "+ floral"]
    assert any("items match your words" in c.value and "have everything you asked for" in c.value for c in at.caption)
    assert any(c.value.startswith("Found for words:") for c in at.caption)
    assert "420 items match" not in " ".join(c.value for c in at.caption)
    next(b for b in chips if b.label == "+ dress").click().run()
    assert at.multiselect(key="f_category").value == ["dress"]
    cards = [c.value for c in at.caption if "$" in c.value]
    assert cards and all(c.startswith("dress ·") for c in cards)


def test_more_like_this_names_the_item_and_leaves_the_words_out(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("sneakers").run()
    first = _names(at)[0].strip("*")
    next(b for b in at.button if b.label == "More like this").click().run()
    assert not at.exception
    banner = next(i.value for i in at.info if "Showing items like" in i.value)
    assert f"**{first}**" in banner
    box = at.checkbox(key="like_with_text")
    assert "sneakers" in box.label and box.value is False  # the words are shown, not silently blended
    assert any("ranked by how alike they look" in c.value for c in at.caption)
    at.text_input(key="q_text").set_value("dress").run()  # new words end "more like this"
    assert not any("Showing items like" in i.value for i in at.info)
    assert all("dress" in n.lower() for n in _names(at))


@pytest.mark.parametrize("text", ["dress OR 1=1", '"unbalanced', "NEAR *", "-", "платье", "x" * 10_000])
def test_odd_queries_answer_without_errors(app_env, text):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value(text).run()
    assert not at.exception and not at.error
    assert _names(at)
