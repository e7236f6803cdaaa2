"""The seeded system theme catalog matches SPEC §1.3."""

import dataclasses
from collections import Counter
from typing import Annotated, Any

import pytest
from pydantic import StringConstraints, TypeAdapter, ValidationError

from app.themes.catalog import (
    CATEGORIES,
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    DMRS_LEVEL_NAMES,
    SYSTEM_THEMES,
    SYSTEM_THEMES_BY_CODE,
    is_valid_code,
)

# Perry's DMRS as written in SPEC §1.3: defense -> level.
SPEC_DEFENSE_LEVELS = {
    "affiliation": 7,
    "altruism": 7,
    "anticipation": 7,
    "humor": 7,
    "self_assertion": 7,
    "self_observation": 7,
    "sublimation": 7,
    "suppression": 7,
    "isolation_of_affect": 6,
    "intellectualization": 6,
    "undoing": 6,
    "repression": 5,
    "dissociation": 5,
    "reaction_formation": 5,
    "displacement": 5,
    "idealization_of_self": 4,
    "idealization_of_other": 4,
    "devaluation_of_self": 4,
    "devaluation_of_other": 4,
    "omnipotence": 4,
    "denial": 3,
    "rationalization": 3,
    "projection": 3,
    "autistic_fantasy": 3,
    "splitting_of_self": 2,
    "splitting_of_other": 2,
    "projective_identification": 2,
    "acting_out": 1,
    "help_rejecting_complaining": 1,
    "passive_aggression": 1,
}

SPEC_LEVEL_NAMES = {
    7: "High adaptive",
    6: "Obsessional",
    5: "Other neurotic",
    4: "Minor image-distorting",
    3: "Disavowal",
    2: "Major image-distorting",
    1: "Action",
}

SPEC_CATEGORIES = (
    "defense",
    "transference",
    "countertransference",
    "resistance",
    "relational_pattern",
    "attachment",
    "affect",
    "early_experience",
    "dream",
    "fantasy",
    "insight",
    "alliance",
    "enactment",
    "somatic",
)

# Non-defense codes that SPEC §1.3 names explicitly.
SPEC_NAMED_CODES = [
    *(
        f"transference.{name}"
        for name in ("positive", "negative", "idealizing", "eroticized", "dependent", "hostile")
    ),
    *(
        f"countertransference.{name}"
        for name in ("concordant", "complementary", "protective", "hostile", "bored", "sleepy")
    ),
    *(f"attachment.{name}" for name in ("secure", "anxious", "avoidant", "disorganized")),
    *(
        f"affect.{name}"
        for name in ("shame", "guilt", "anger", "grief", "anxiety", "emptiness", "envy")
    ),
    "alliance.rupture",
    "alliance.repair",
]

DEFENSES = [theme for theme in SYSTEM_THEMES if theme.category == "defense"]


def test_exactly_30_defenses() -> None:
    assert len(DEFENSES) == 30
    assert {theme.code for theme in DEFENSES} == {f"defense.{n}" for n in SPEC_DEFENSE_LEVELS}


@pytest.mark.parametrize(("name", "level"), SPEC_DEFENSE_LEVELS.items())
def test_defense_has_its_spec_level(name: str, level: int) -> None:
    theme = SYSTEM_THEMES_BY_CODE[f"defense.{name}"]
    assert theme.category == "defense"
    assert theme.dmrs_level == level
    assert theme.dmrs_level_name == SPEC_LEVEL_NAMES[level]


def test_defense_counts_per_level() -> None:
    assert Counter(theme.dmrs_level for theme in DEFENSES) == {
        7: 8,
        6: 3,
        5: 4,
        4: 5,
        3: 4,
        2: 3,
        1: 3,
    }


def test_dmrs_level_names() -> None:
    assert DMRS_LEVEL_NAMES == SPEC_LEVEL_NAMES


def test_only_defenses_carry_a_dmrs_level() -> None:
    for theme in SYSTEM_THEMES:
        if theme.category != "defense":
            assert theme.dmrs_level is None, theme.code
            assert theme.dmrs_level_name is None, theme.code


def test_categories_are_the_spec_categories_in_order() -> None:
    assert CATEGORIES == SPEC_CATEGORIES
    assert {theme.category for theme in SYSTEM_THEMES} == set(SPEC_CATEGORIES)


@pytest.mark.parametrize("category", SPEC_CATEGORIES)
def test_every_category_has_themes(category: str) -> None:
    assert any(theme.category == category for theme in SYSTEM_THEMES)


@pytest.mark.parametrize("code", SPEC_NAMED_CODES)
def test_spec_named_code_is_present(code: str) -> None:
    assert code in SYSTEM_THEMES_BY_CODE


def test_codes_are_unique_valid_and_prefixed_by_their_category() -> None:
    codes = [theme.code for theme in SYSTEM_THEMES]
    assert len(codes) == len(set(codes))
    for theme in SYSTEM_THEMES:
        assert is_valid_code(theme.code), theme.code
        category, _, name = theme.code.partition(".")
        assert category == theme.category
        assert name


def test_labels_and_descriptions() -> None:
    labels = [theme.label for theme in SYSTEM_THEMES]
    assert len(labels) == len(set(labels))
    for theme in SYSTEM_THEMES:
        assert theme.label.strip() == theme.label, theme.code
        assert theme.label[0].isupper(), theme.code
        assert 20 <= len(theme.description) <= 100, theme.code
        assert theme.description[0].isupper(), theme.code
        # One sentence: a single full stop, at the end.
        assert theme.description.count(".") == 1, theme.code
        assert theme.description.endswith("."), theme.code


def test_lookup_matches_the_tuple_and_is_read_only() -> None:
    assert list(SYSTEM_THEMES_BY_CODE.values()) == list(SYSTEM_THEMES)
    with pytest.raises(TypeError):
        SYSTEM_THEMES_BY_CODE["defense.new"] = SYSTEM_THEMES[0]  # type: ignore[index]


def test_themes_are_frozen_plain_data() -> None:
    theme = SYSTEM_THEMES_BY_CODE["defense.isolation_of_affect"]
    assert dataclasses.asdict(theme) == {
        "code": "defense.isolation_of_affect",
        "label": "Isolation of affect",
        "category": "defense",
        "description": theme.description,
        "dmrs_level": 6,
        "dmrs_level_name": "Obsessional",
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        theme.label = "changed"  # type: ignore[misc]


VALID_CODES = [
    "defense.denial",
    "relational_pattern.fear_of_abandonment",
    "custom.2nd_order",
    "practice.dream.flying",
    "a.b.c.d",
    "x." + "a" * (CODE_MAX_LENGTH - 2),
]

INVALID_CODES = [
    "",
    "defense",
    "a.b.c.d.e",
    "Defense.denial",
    "defense.Denial",
    "defense..denial",
    ".defense.denial",
    "defense.denial.",
    "defense.denial\n",
    " defense.denial",
    "defense. denial",
    "defense-x.denial",
    "defense.dénial",
    "1defense.denial",
    "_defense.denial",
    "defense._denial",
    "x." + "a" * (CODE_MAX_LENGTH - 1),
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_code(code: str) -> None:
    assert is_valid_code(code)


@pytest.mark.parametrize("code", INVALID_CODES)
def test_invalid_code(code: str) -> None:
    assert not is_valid_code(code)


@pytest.mark.parametrize("code", [None, 1, b"defense.denial", ["defense.denial"]])
def test_non_string_code_is_invalid(code: Any) -> None:
    assert not is_valid_code(code)


CodeField = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=CODE_MAX_LENGTH)]


@pytest.mark.parametrize("code", VALID_CODES + INVALID_CODES)
def test_code_pattern_behaves_the_same_as_a_pydantic_constraint(code: str) -> None:
    adapter = TypeAdapter(CodeField)
    if is_valid_code(code):
        assert adapter.validate_python(code) == code
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(code)
