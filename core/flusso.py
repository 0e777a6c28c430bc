"""The workflow toolkit the apps share: a refusal with its reason, a state change taken under the
row's lock, the version counter that turns a lost update into a conflict, and the abstract rows
that record transitions and comments.

Small helpers, not a framework: each app keeps its states, its messages and its own records."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OperazioneNonAmmessa(Exception):
    """The state of the object does not allow the operation; the message says why, in Italian.
    Views show it to the user as it is."""


@dataclass
class ConflittoDiVersione(Exception):
    """Someone saved the text after this user opened it: both texts go back to her, so she can
    merge them instead of losing either."""

    testo_attuale: str
    versione_attuale: int
    autore: str
    testo_proposto: str


def blocca(istanza, queryset=None):
    """The row of `istanza` read again under SELECT ... FOR UPDATE: what the caller checks next
    cannot change until its transaction ends."""
    if queryset is None:
        queryset = type(istanza)._default_manager
    return queryset.select_for_update().get(pk=istanza.pk)


def passa_di_stato(istanza, *, da: Iterable[str], a: str, messaggio: str, queryset=None):
    """Lock the row, check its state is one of `da` (or refuse with `messaggio`) and set it to `a`.

    Returns (the locked object, its previous state); saving it and recording the transition are
    left to the caller, who often changes other fields in the same save."""
    attuale = blocca(istanza, queryset)
    precedente = attuale.stato
    if precedente not in da:
        raise OperazioneNonAmmessa(messaggio)
    attuale.stato = a
    return attuale, precedente


def nuova_versione(
    attuale, *, versione_letta: int, valori: dict, conflitto: Callable[[], Exception]
) -> bool:
    """Apply `valori` to a locked row that carries a `versione` counter.

    A form opened at an older version is a conflict, never a silent overwrite: `conflitto()`
    builds the exception to raise (only then, as it may need a query). Returns whether anything
    changed; only then is the counter bumped, and the caller saves the row."""
    if attuale.versione != versione_letta:
        raise conflitto()
    if all(getattr(attuale, campo) == valore for campo, valore in valori.items()):
        return False
    for campo, valore in valori.items():
        setattr(attuale, campo, valore)
    attuale.versione += 1
    return True


class TransizioneDiStato(models.Model):
    """Audit row of a workflow: who moved the object, when, with what note. The concrete model
    adds the foreign key to its object (named by `oggetto`) and the states with their choices."""

    oggetto = ""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    nota = models.TextField(blank=True)
    avvenuta_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.oggetto)}: {self.da_stato} → {self.a_stato}"


class Commento(models.Model):
    """A comment by a user; the concrete model says what it comments on."""

    autore = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    testo = models.TextField(_("commento"))
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.testo[:80]
