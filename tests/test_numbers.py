"""The number finder that checks excerpts against their values, in en, fr and ar."""

import pytest

from tspolicy.corroborate import Interval
from tspolicy.numbers import (
    numbers_in,
    position_in_order,
    stated_step,
    states_value,
    vague_words,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("more than 1,470 victims", 1470),
        ("plus de 1 470 victimes", 1470),
        ("plus de 1\u202f470 victimes", 1470),
        ("أكثر من 1470 ضحية", 1470),
        ("أكثر من ١٤٧٠ ضحية", 1470),
        ("أكثر من ١٬٤٧٠ ضحية", 1470),
        ("plus de 73,3 millions de contenus", 73_300_000),
        ("more than 73.3 million pieces", 73_300_000),
        ("٧٣٫٣ مليون", 73_300_000),
        ("أكثر من 3 مليارات شخص", 3_000_000_000),
        ("Facebook (65%)", 65),
        ("(environ 1 sur 10)", 10),
        ("بالإجماع 22-0", 22),
        ("بالإجماع 22-0", 0),
        ("السنوات الـ20 منذ ظهور", 20),
        ("qui a pris deux ans", 2),
        ("الذي استغرق عامين", 2),
        ("بعد أكثر من عقدين", 20),
    ],
)
def test_states_value(text, value):
    assert states_value(text, value), sorted(numbers_in(text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("ساعدت مئات الأطفال", "مئات"),
        ("des milliers de mineurs", "milliers"),
        ("des millions de mineurs", "millions"),
        ("نقابة تمثل الملايين من العمال", "الملايين"),
        ("hundreds of young people", "hundreds"),
    ],
)
def test_a_vague_word_is_found_and_is_no_number(text, word):
    assert vague_words(text) == [word]
    assert numbers_in(text) == set(), "a vague word states no number"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("plus de 73,3 millions de contenus", 7_330_000),
        ("more than 1,470 victims", 1471),
        ("أكثر من 430 من المتاجرين", 43),
        ("plus de 70 sources", 7),
        ("Instagram a signalé 6,1 millions", 61_000_000),
    ],
)
def test_does_not_state_other_values(text, value):
    assert not states_value(text, value), sorted(numbers_in(text))


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("احتل انستغرام المرتبة الثانية", 2),
        ('احتل "سنابشات" المرتبة الثالثة', 3),
        ('"فيسبوك" هو المنصة الأكثر استخداماً', 1),
        ("Facebook est LA plate-forme la plus prisée", 1),
        ("ranked third", 3),
    ],
)
def test_ranks(text, rank):
    assert states_value(text, rank, rank=True)


def test_rank_not_stated():
    assert not states_value("احتل انستغرام المرتبة الثانية", 3, rank=True)
    assert not states_value("plus de 70 sources", 2, rank=True)


def test_position_in_order():
    text = "Facebook serait l’outil le plus prisé suivi d’Instagram talonné par Snapchat"
    names = {"Facebook", "Instagram", "Snapchat", "TikTok"}
    assert position_in_order(text, "Facebook", names) == 1
    assert position_in_order(text, "Instagram", names) == 2
    assert position_in_order(text, "Snapchat", names) == 3
    assert position_in_order(text, "TikTok", names) is None


@pytest.mark.parametrize(
    ("text", "value", "step"),
    [
        ("36.2 million reports", 36_200_000, 100_000),
        ("36,2 millions de signalements", 36_200_000, 100_000),
        ("6,1 millions de contenus", 6_100_000, 100_000),
        ("٣٦٫٢ مليون بلاغ", 36_200_000, 100_000),
        ("3 milliards d'utilisateurs", 3e9, 1e9),
        ("plus de 1 470 victimes", 1470, 1),
        ("1,470 victims", 1470, 1),
        ("65,5 %", 65.5, 0.1),
        ("deux ans", 2, 1),
        ("no such number", 12, 0),
    ],
)
def test_stated_step_is_the_unit_of_the_last_written_digit(text, value, step):
    assert stated_step(text, value) == step


def test_a_rounded_statement_matches_at_its_stated_precision():
    stated = Interval.of(36_200_000, "exact", stated_step("36.2 million", 36_200_000))
    for primary, fits in [
        (36_150_000, True),
        (36_210_368, True),
        (36_249_999, True),
        (36_250_000, False),
        (36_149_999, False),
    ]:
        assert (stated.meet(Interval.of(primary, "exact")) is not None) is fits, primary
    # A whole number written out stays exact, and "about" keeps its ±10 %.
    assert Interval.of(20, "exact", 1).meet(Interval.of(20, "more_than")) is None
    assert Interval.of(20, "about", 1).meet(Interval.of(21.9, "exact")) is not None
