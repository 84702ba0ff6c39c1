"""Parameter declarations and validation: what must be accepted and what must be refused."""

import pytest

from claimbook.core.params import ParameterError, parse_assignments, parse_parameters, read_params_file, resolve

CELL = """
country: str = "Russia"  # country checked [one of: Russia, China]
edition: int = 2025  # the edition [one of: 2024, 2025]
tolerance_pct: float = 10.0  # tolerance [range: 0..100]
strict: bool = False  # strict mode
"""


@pytest.fixture
def declared():
    return parse_parameters(CELL)


def test_declarations_are_read_with_types_defaults_help_and_domains(declared):
    assert list(declared) == ["country", "edition", "tolerance_pct", "strict"]
    assert declared["edition"].type == "int" and declared["edition"].default == 2025
    assert declared["edition"].one_of == (2024, 2025)
    assert declared["tolerance_pct"].low == 0 and declared["tolerance_pct"].high == 100
    assert declared["country"].help == "country checked"


def test_defaults_when_nothing_given(declared):
    assert resolve(declared, {}, "nb") == {"country": "Russia", "edition": 2025, "tolerance_pct": 10.0, "strict": False}


def test_text_values_are_converted_to_the_declared_type(declared):
    got = resolve(declared, {"edition": "2024", "tolerance_pct": "5", "strict": "true"}, "nb")
    assert got["edition"] == 2024 and got["tolerance_pct"] == 5.0 and got["strict"] is True


def test_typed_values_from_yaml_are_accepted_and_an_int_serves_as_float(declared):
    got = resolve(declared, {"edition": 2024, "tolerance_pct": 5}, "nb", from_text=False)
    assert got["tolerance_pct"] == 5.0 and isinstance(got["tolerance_pct"], float)


@pytest.mark.parametrize(
    "given, fragment",
    [
        ({"editon": "2024"}, "has no parameter 'editon'; its parameters are: country, edition, tolerance_pct, strict"),
        ({"edition": "abc"}, "edition must be int"),
        ({"edition": "2024.5"}, "edition must be int"),
        ({"edition": ""}, "edition is empty"),
        ({"edition": "2023"}, "allowed: 2024, 2025"),
        ({"country": "Atlantis"}, "allowed: Russia, China"),
        ({"tolerance_pct": "150"}, "allowed: 0 to 100"),
        ({"tolerance_pct": "nan"}, "tolerance_pct must be float"),
        ({"strict": "maybe"}, "strict must be bool"),
        ({"__import__('os').system('true')": "1"}, "is not a valid parameter name"),
        ({"class": "1"}, "is not a valid parameter name"),
    ],
)
def test_bad_values_are_refused_with_one_sentence_naming_the_allowed(declared, given, fragment):
    with pytest.raises(ParameterError) as err:
        resolve(declared, given, "nb")
    message = str(err.value)
    assert fragment in message
    assert message.endswith(".") and "\n" not in message


def test_a_yaml_string_for_an_int_is_a_type_error(declared):
    with pytest.raises(ParameterError, match=r"edition must be int .* but got '2024' \(str\)"):
        resolve(declared, {"edition": "2024"}, "nb", from_text=False)


def test_assignments_need_an_equals_sign():
    assert parse_assignments(["edition=2024", "country=United States"]) == {
        "edition": "2024",
        "country": "United States",
    }
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_assignments(["edition"])


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("edition: [1, 2\n", "not valid YAML at line"),
        ("- edition\n", "must be a mapping"),
    ],
)
def test_malformed_parameter_files_are_refused(tmp_path, text, fragment):
    f = tmp_path / "p.yaml"
    f.write_text(text)
    with pytest.raises(ParameterError, match=fragment):
        read_params_file(f)


def test_a_parameters_cell_must_be_typed_and_commented():
    with pytest.raises(ParameterError, match="not of the form"):
        parse_parameters("edition = 2025  # no type\n")
    with pytest.raises(ParameterError, match="no help comment"):
        parse_parameters("edition: int = 2025\n")
    with pytest.raises(ParameterError, match="allowed: int, float, str, bool"):
        parse_parameters("edition: list = [1]  # a list\n")
