"""The lock files that `make` and the Dockerfile install from (`make lock` writes them) agree with
pyproject.toml, carry a hash for every file, and ship to production the versions the tests ran on.

`make lint` compares them exactly by regenerating them from the package index; these checks need
no network, so a dependency added to pyproject.toml without `make lock` fails here too."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _lock(nome):
    """{package: (version, has a hash)} for one file under requirements/."""
    voci = {}
    for riga in (ROOT / "requirements" / nome).read_text().splitlines():
        if pin := PIN.match(riga):
            corrente = canonicalize_name(pin[1])
            voci[corrente] = [Version(pin[2]), False]
        elif riga.strip().startswith("--hash=sha256:"):
            voci[corrente][1] = True
    return voci


def _richiesti(*gruppi):
    return [Requirement(r) for gruppo in gruppi for r in gruppo]


PRODUZIONE = _richiesti(
    PYPROJECT["project"]["dependencies"], PYPROJECT["dependency-groups"]["build"]
)
SVILUPPO = PRODUZIONE + _richiesti(PYPROJECT["project"]["optional-dependencies"]["dev"])


@pytest.mark.parametrize(
    ("nome", "richiesti"), [("production.txt", PRODUZIONE), ("dev.txt", SVILUPPO)]
)
def test_ogni_dipendenza_di_pyproject_e_bloccata_a_una_versione_ammessa(nome, richiesti):
    bloccati = _lock(nome)
    mancanti = [str(r) for r in richiesti if canonicalize_name(r.name) not in bloccati]
    fuori_intervallo = [
        f"{r} (bloccato {bloccati[canonicalize_name(r.name)][0]})"
        for r in richiesti
        if canonicalize_name(r.name) in bloccati
        and not r.specifier.contains(bloccati[canonicalize_name(r.name)][0], prereleases=True)
    ]
    assert not mancanti and not fuori_intervallo, (
        f"requirements/{nome} non segue pyproject.toml, esegui `make lock`: "
        f"mancano {mancanti}, fuori intervallo {fuori_intervallo}"
    )


@pytest.mark.parametrize("nome", ["production.txt", "dev.txt"])
def test_ogni_pacchetto_bloccato_ha_il_suo_hash(nome):
    senza_hash = [pacchetto for pacchetto, (_, hash_) in _lock(nome).items() if not hash_]
    assert not senza_hash


def test_i_test_girano_sulle_versioni_che_vanno_in_produzione():
    sviluppo = _lock("dev.txt")
    diverse = {
        pacchetto: (versione, sviluppo.get(pacchetto, [None])[0])
        for pacchetto, (versione, _) in _lock("production.txt").items()
        if sviluppo.get(pacchetto, [None])[0] != versione
    }
    assert not diverse


def test_il_gruppo_build_bloccato_e_quello_che_costruisce_il_progetto():
    assert PYPROJECT["dependency-groups"]["build"] == PYPROJECT["build-system"]["requires"]


def test_i_metadati_del_progetto_non_usano_forme_deprecate():
    # setuptools warns (and from 2027 fails) on a license given as a TOML table.
    codice = (
        "import warnings; warnings.simplefilter('error');"
        "from setuptools.dist import Distribution;"
        "from setuptools.config.pyprojecttoml import apply_configuration;"
        "apply_configuration(Distribution(), 'pyproject.toml')"
    )
    risultato = subprocess.run(
        [sys.executable, "-c", codice], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert risultato.returncode == 0, risultato.stderr
