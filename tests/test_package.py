"""What ships: package data found through importlib.resources, typing marker, public API."""

from __future__ import annotations

from importlib import resources

import mentoring_docs


def test_public_api_is_importable_from_the_package():
    for name in mentoring_docs.__all__:
        assert hasattr(mentoring_docs, name), name


def test_typed_marker_and_schemas_ship_in_the_package():
    root = resources.files("mentoring_docs")
    assert root.joinpath("py.typed").is_file()
    assert root.joinpath("schemas", "agreement.schema.json").is_file()
    assert root.joinpath("schemas", "action_plan.schema.json").is_file()


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert mentoring_docs.__version__ == version("mentoring-docs")
