import random

from detector.training.restructure import merge, move_clause, reported_speech, restructure, split


def test_attribution_becomes_reported_speech():
    assert reported_speech("Reid checked into rehab on Tuesday, her rep told People.") == (
        "Her rep told People that Reid checked into rehab on Tuesday.")
    assert reported_speech('"We will rebuild the bridge," Mayor Lee said.') == (
        "Mayor Lee said that we will rebuild the bridge.")


def test_clauses_move_and_sentences_split_and_merge():
    assert move_clause("When the storm hit the coast, thousands of homes lost power.") == (
        "Thousands of homes lost power when the storm hit the coast.")
    assert split("The council met on Monday to discuss the budget for next year, and it "
                 "agreed to raise the tax on property by two percent.") == [
        "The council met on Monday to discuss the budget for next year.",
        "It agreed to raise the tax on property by two percent."]
    assert merge("The road is closed.", "The police are at the scene.") == (
        "The road is closed, and the police are at the scene.")


def test_restructure_is_deterministic_and_keeps_the_words_of_the_story():
    text = ("When the storm hit the coast, thousands of homes lost power. Crews worked overnight."
            "\n\nThe mayor said the city would recover, officials told reporters.")
    a = restructure(text, random.Random(1), rate=1.0)
    assert a == restructure(text, random.Random(1), rate=1.0)
    assert a != text
    assert {"storm", "thousands", "mayor"} <= set(a.lower().replace(".", " ").split())
