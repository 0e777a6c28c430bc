"""The dependency contracts of ARCHITECTURE.md hold, and no app escapes them."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _importlinter():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _app_del_progetto():
    # The project's own packages sit at its root (the virtualenv may sit there too, one level down).
    return {
        app.name.split(".")[0]
        for app in apps.get_app_configs()
        if Path(app.path).resolve().parent == ROOT
    }


def test_ogni_app_del_progetto_sta_in_uno_strato():
    configurazione = _importlinter()
    strati = next(c for c in configurazione["contracts"] if c["id"] == "strati")["layers"]
    # A new app left out of the layers could import anything and be imported by anything.
    assert _app_del_progetto() == set(strati) == set(configurazione["root_packages"])
    assert strati[-1] == "core" and strati[0] == "pdz"


def test_i_contratti_di_dipendenza_sono_rispettati():
    lint = Path(sys.executable).with_name("lint-imports")
    risultato = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert risultato.returncode == 0, risultato.stdout + risultato.stderr
    assert "0 broken" in risultato.stdout


def test_l_immagine_installa_ogni_app():
    # The Dockerfile installs the project with pip (not editable): an app left out of the
    # package list would be missing from the image's site-packages.
    progetto = tomllib.loads((ROOT / "pyproject.toml").read_text())
    inclusi = {
        nome.rstrip("*") for nome in progetto["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert _app_del_progetto() <= inclusi
