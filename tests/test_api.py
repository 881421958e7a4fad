import types

import parallax


def test_all_lists_exactly_the_public_names():
    public = {name for name in dir(parallax) if not name.startswith("_")}
    modules = {name for name in public if isinstance(getattr(parallax, name), types.ModuleType)}
    assert set(parallax.__all__) - {"__version__"} == public - modules
    assert len(parallax.__all__) == len(set(parallax.__all__))


def test_every_exported_name_resolves():
    for name in parallax.__all__:
        assert getattr(parallax, name) is not None, name


def test_exported_records_round_trip():
    span = parallax.Span("a", 1, 4)
    assert parallax.Span.from_dict(span.as_dict()) == span
