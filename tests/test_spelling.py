from detector.align import align
from detector.spelling import british_to_american, canonical_word
from detector.text import Document


def test_british_forms_of_each_family_become_american():
    words = ("jewellery colourful favourite organised organisation analysed centre centred "
             "travelling counsellor defence").split()
    assert [canonical_word(w) for w in words] == (
        "jewelry colorful favorite organized organization analyzed center centered traveling "
        "counselor defense").split()


def test_accents_are_dropped_letter_for_letter():
    accented = ["vendôme", "café", "zürich"]
    assert [canonical_word(w) for w in accented] == ["vendome", "cafe", "zurich"]
    assert canonical_word("señor") == "senor"


def test_words_spelled_alike_are_left_alone():
    # -ise words that American English also spells -ise, -our words that are no British form
    alike = "promise advise surprise exercise hour four your tour glamour hypothesis".split()
    assert [canonical_word(w) for w in alike] == alike
    assert not set(alike) & set(british_to_american())


def test_a_time_in_either_house_style_is_one_spelling():
    styles = ["The quake struck at 11:52 p.m. and a second at 2:10 a.m. on Friday.",
              "The quake struck at 11.52pm and a second at 2.10am on Friday.",
              "The quake struck at 11:52 pm and a second at 2:10 am on Friday."]
    words = [Document(text).words for text in styles]
    assert words[0] == words[1] == words[2]
    assert words[0][4:6] == ["11.52", "pm"]


def test_letters_that_only_look_like_a_time_stay_words():
    assert Document("Team A.M.C. won; he said p.m.s were late.").words[1:3] == ["a", "m"]


def test_no_american_spelling_is_itself_mapped():
    table = british_to_american()
    assert not set(table.values()) & set(table)


def test_a_localised_copy_aligns_verbatim():
    british = Document("Thieves took jewellery worth two million from the centre, police said "
                       "on Monday, and the organisers apologised.")
    american = Document("Thieves took jewelry worth two million from the center, police said "
                        "on Monday, and the organizers apologized.")
    blocks = align(british, american).blocks
    assert [b.kind for b in blocks] == ["equal"]
    assert american.token_columns.texts[2] == "jewelry"  # the text itself is kept as written
    assert british.token_columns.texts[2] == "jewellery"


def test_a_localised_wire_story_is_a_copy_with_no_swaps():
    from detector.api import Detector

    british = (
        "Armed robbers stole jewellery worth about two million euros from a shop near the "
        "Place Vendôme in central Paris on Monday, police said.\n\n"
        "The thieves, who travelled on motorbikes, smashed the windows of the shop and fled "
        "with rings and watches. Investigators said the robbery had been carefully organised "
        "and that the gang had studied the neighbourhood for weeks.\n\n"
        "The shop's owners apologised to customers and said the centre would reopen once the "
        "damage had been analysed. The defence ministry was not involved, officials added.")
    american = (
        "Armed robbers stole jewelry worth about two million euros from a shop near the "
        "Place Vendome in central Paris on Monday, police said.\n\n"
        "The thieves, who traveled on motorbikes, smashed the windows of the shop and fled "
        "with rings and watches. Investigators said the robbery had been carefully organized "
        "and that the gang had studied the neighborhood for weeks.\n\n"
        "The shop's owners apologized to customers and said the center would reopen once the "
        "damage had been analyzed. The defense ministry was not involved, officials added.")
    result = Detector().score_pair(american, british)
    assert result.evidence["n_swaps"] == 0
    assert result.verdict == "copy"
