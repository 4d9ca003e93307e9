import random

from detector.training.pages import add_chrome, credit_line, drift

ARTICLE = ("The council approved the budget on Tuesday after a long debate.\n\n"
           "Mayor Linda Park said the plan funds twelve new teachers across the city.\n\n"
           "Critics said housing costs were ignored by the council this year.\n\n"
           "The budget takes effect in July, officials said in a statement.")


def test_chrome_keeps_the_article_and_varies_in_size():
    sizes = set()
    for seed in range(30):
        page = add_chrome(ARTICLE, random.Random(seed), ["Other headline one", "Another"])
        assert ARTICLE in page
        sizes.add(len(page) - len(ARTICLE))
    assert min(sizes) < 150 < max(sizes)  # from a site name alone to long appeals


def test_drift_makes_another_version():
    versions = {drift(ARTICLE, random.Random(seed), donor="A donor paragraph here.")
                for seed in range(30)}
    assert any(v.count("\n\n") == 2 for v in versions)  # a paragraph dropped
    assert any("A donor paragraph here." in v for v in versions)
    assert any("contributed to this report." in v for v in versions)
    assert all(v.split("\n\n")[0] == ARTICLE.split("\n\n")[0] for v in versions)


def test_credit_line_names_people():
    assert credit_line(random.Random(0)).endswith("contributed to this report.")
