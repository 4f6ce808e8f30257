"""Packaging glue: install the repository's rooms under the ``opsgate`` namespace.

The top level of the repository is fixed (bot/ handlers/ cards/ runbooks/ store/), but installing those as
top-level names would let ``import store`` collide with other distributions. Each room ``X`` is therefore
installed as ``opsgate.X`` (``opsgate`` is an implicit namespace package), and the code imports itself that way.
Everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

ROOMS = ("bot", "handlers", "cards", "runbooks", "store")

packages: list[str] = []
package_dir: dict[str, str] = {}
for room in ROOMS:
    for pkg in (room, *(f"{room}.{sub}" for sub in find_packages(room))):
        packages.append(f"opsgate.{pkg}")
        package_dir[f"opsgate.{pkg}"] = pkg.replace(".", "/")

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={"opsgate.store": ["migrations/*.mako", "migrations/*.ini"], "opsgate.bot": ["*.yml"]},
    include_package_data=True,
)
