"""The convocation of a session of the Assemblea, by e-mail to every sindaco and delegato of the
ambito's comuni, with the event attached; the notice to a comune's sindaco that the secretary
corrected its online ballot."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo
from core import calendario, posta
from core.calendario import ROMA
from core.validatori import in_una_riga

from .models import EventoVoto, PuntoOdg, Seduta, Voto

# A session has no stated end: the calendar event blocks two hours from the first call.
DURATA_EVENTO = datetime.timedelta(hours=2)


def destinatari_seduta(seduta) -> list[str]:
    """Addresses of the active sindaci and delegati of the ambito's comuni, each once, sorted."""
    ruoli = Ruolo.objects.attivi().filter(
        ambito_id=seduta.ambito_id,
        tipo__in=[Ruolo.Tipo.SINDACO, Ruolo.Tipo.DELEGATO],
        comune__ambito_id=seduta.ambito_id,
    )
    indirizzi = (
        get_user_model()
        .objects.filter(pk__in=ruoli.values("user_id"), is_active=True)
        .values_list("email", flat=True)
    )
    return posta.indirizzi_unici(indirizzi)


def _quando(momento) -> str:
    return _("%(giorno)s, ore %(ora)s") % {
        "giorno": posta.giorno(momento),
        "ora": f"{momento.astimezone(ROMA):%H:%M}",
    }


def percorso_seduta(seduta) -> str:
    return reverse("assemblea:seduta", kwargs={"slug": seduta.ambito.slug, "pk": seduta.pk})


def _punti(seduta):
    return list(
        PuntoOdg.objects.filter(seduta=seduta)
        .select_related("versione_piano__piano")
        .order_by("ordine")
    )


def _pdf(versione):
    return versione.pdf if versione else None


def righe_punti(punti) -> list[str]:
    righe = []
    for punto in punti:
        righe.append(f"{punto.ordine}. {punto.titolo}")
        versione = punto.versione_piano
        if versione:
            righe.append(
                "   "
                + _("Documento: %(piano)s, versione %(n)d")
                % {"piano": versione.piano.titolo, "n": versione.numero}
            )
            pdf = _pdf(versione)
            if pdf and pdf.sha256_pdf:
                righe.append("   " + _("Impronta del PDF (SHA-256): %(h)s") % {"h": pdf.sha256_pdf})
    return righe


def corpo(seduta, punti, url, *, nuovo_invio=False) -> str:
    ambito = seduta.ambito
    righe = []
    if nuovo_invio:
        righe += [
            _("Nuovo invio della convocazione: sostituisce quella ricevuta in precedenza."),
            "",
        ]
    righe += [
        _("È convocata l'Assemblea dei Sindaci dell'ambito %(ambito)s.") % {"ambito": ambito.nome},
        "",
        seduta.titolo,
        _("Prima convocazione: %(quando)s") % {"quando": _quando(seduta.prima_convocazione)},
    ]
    if seduta.seconda_convocazione:
        righe.append(
            _("Seconda convocazione: %(quando)s") % {"quando": _quando(seduta.seconda_convocazione)}
        )
    righe.append(_("Modalità: %(m)s") % {"m": seduta.get_modalita_display()})
    if seduta.luogo:
        righe.append(_("Luogo: %(luogo)s") % {"luogo": seduta.luogo})
    if seduta.link_online:
        righe.append(_("Collegamento online: %(link)s") % {"link": seduta.link_online})
    righe += ["", _("Ordine del giorno:"), *righe_punti(punti), ""]
    righe += [
        _("Pagina della seduta, con i documenti, le presenze e le votazioni:"),
        url,
        "",
        _(
            "Accedi con le tue credenziali del portale: da quella pagina registri la tua presenza "
            "e voti per il tuo comune. Il delegato vota solo se la delega per questa seduta è "
            "registrata dall'Ufficio di Piano."
        ),
        "",
        _(
            "In allegato trovi l'invito (convocazione.ics) da aggiungere al tuo calendario. "
            "Questo messaggio è inviato automaticamente dal portale del Piano di Zona "
            "dell'ambito %(ambito)s."
        )
        % {"ambito": ambito.nome},
    ]
    return "\n".join(righe)


def oggetto(seduta, *, nuovo_invio=False) -> str:
    valori = {
        "ambito": seduta.ambito.nome,
        "titolo": seduta.titolo,
        "data": formats.date_format(seduta.prima_convocazione.astimezone(ROMA), "j F Y").lower(),
    }
    if nuovo_invio:
        return in_una_riga(
            _(
                "Nuovo invio — Convocazione dell'Assemblea dei Sindaci %(ambito)s: %(titolo)s, %(data)s"
            )
            % valori
        )
    # A title saved before the forms refused line breaks must not stop the convocation.
    return in_una_riga(
        _("Convocazione dell'Assemblea dei Sindaci %(ambito)s: %(titolo)s, %(data)s") % valori
    )


def nome_calendario(seduta) -> str:
    return _("Assemblea dei Sindaci %(ambito)s") % {"ambito": seduta.ambito.nome}


def evento_seduta(seduta, punti, *, url="") -> calendario.Evento:
    """The calendar event of a session, from its first call; `url` is its page in the portal."""
    # Each new sending must carry a higher SEQUENCE, so that calendar apps replace the event:
    # the seconds from the session's creation to the sending grow with every sending.
    inviata = seduta.inviti_inviati_il or seduta.creata_il
    sequenza = max(0, int((inviata - seduta.creata_il).total_seconds())) if inviata else 0
    return calendario.Evento(
        uid=f"assemblea-seduta-{seduta.pk}",
        titolo=f"{nome_calendario(seduta)} — {seduta.titolo}",
        inizio=seduta.prima_convocazione,
        fine=seduta.prima_convocazione + DURATA_EVENTO,
        sequenza=sequenza,
        luogo=seduta.luogo or seduta.link_online,
        # calendario.descrizione numbers the points itself: the titles only, not "1. 1. ...".
        descrizione=calendario.descrizione(
            [p.titolo for p in punti], link_online=seduta.link_online, url=url
        ),
        url=url or seduta.link_online,
        creato_il=seduta.creata_il,
    )


def invia_convocazione(seduta, *, nuovo_invio=False, base_url=None) -> int:
    """One message per recipient (nobody sees the others' addresses). Returns how many were sent."""
    destinatari = destinatari_seduta(seduta)
    if not destinatari:
        return 0
    punti = _punti(seduta)
    url = posta.base_url(base_url) + percorso_seduta(seduta)
    ambito = seduta.ambito
    with translation.override(settings.LANGUAGE_CODE):
        soggetto = oggetto(seduta, nuovo_invio=nuovo_invio)
        testo = corpo(seduta, punti, url, nuovo_invio=nuovo_invio)
        evento = evento_seduta(seduta, punti, url=url)
        nome = nome_calendario(seduta)
        messaggi = []
        for destinatario in destinatari:
            ics = calendario.calendario(
                [evento], nome=nome, metodo="REQUEST", partecipante=destinatario
            )
            messaggio = posta.messaggio(
                soggetto, testo, destinatario, rispondi_a=ambito.email_ufficio_piano
            )
            messaggio.attach(posta.allegato_ics(ics, nome_file="convocazione.ics"))
            messaggi.append(messaggio)
    return posta.invia(messaggi)


def seduta_per_invio(seduta_id):
    return Seduta.objects.select_related("ambito").filter(pk=seduta_id).first()


# --- A paper ballot that corrected an online one ------------------------------------------------


def destinatari_rettifica(evento) -> list[str]:
    """The comune's active sindaci, and whoever cast its online ballots in this vote (a delegato)."""
    utenti = get_user_model().objects.filter(is_active=True)
    sindaci = Ruolo.objects.attivi().filter(tipo=Ruolo.Tipo.SINDACO, comune_id=evento.comune_id)
    votanti = EventoVoto.objects.filter(
        votazione_id=evento.votazione_id, comune_id=evento.comune_id, canale=Voto.Canale.ONLINE
    )
    indirizzi = utenti.filter(pk__in=sindaci.values("user_id")).values_list("email", flat=True)
    indirizzi = list(indirizzi) + list(
        utenti.filter(pk__in=votanti.values("utente_id")).values_list("email", flat=True)
    )
    return posta.indirizzi_unici(indirizzi)


def corpo_rettifica(evento, url) -> str:
    """Says that a correction was recorded, when, by whom and why; never a choice, in a secret
    ballot nor in an open one (the open ballot's choices are on the vote's page)."""
    votazione = evento.votazione
    punto = votazione.punto
    seduta = punto.seduta
    autore = evento.utente.get_full_name() or evento.utente.username if evento.utente else "—"
    righe = [
        _(
            "La segreteria dell'Assemblea dei Sindaci dell'ambito %(ambito)s ha registrato una "
            "rettifica del voto del comune di %(comune)s: un voto cartaceo sostituisce il voto "
            "espresso online."
        )
        % {"ambito": seduta.ambito.nome, "comune": evento.comune.nome},
        "",
        _("Seduta: %(s)s") % {"s": seduta.titolo},
        _("Votazione: punto %(n)s, %(t)s") % {"n": punto.ordine, "t": punto.titolo},
        _("Registrata il: %(quando)s") % {"quando": _quando(evento.registrato_il)},
        _("Registrata da: %(chi)s") % {"chi": autore},
        _("Motivo: %(m)s") % {"m": evento.motivo_rettifica},
        "",
    ]
    if votazione.regola.segreto:
        righe.append(_("Lo scrutinio è segreto: questo messaggio non riporta alcun voto."))
    righe += [
        _(
            "Finché la votazione è aperta puoi esprimere di nuovo il voto online dalla pagina "
            "della votazione; la rettifica resta comunque nel registro dei voti e nel verbale."
        ),
        url,
    ]
    return "\n".join(righe)


def invia_rettifica(evento, *, base_url=None) -> int:
    destinatari = destinatari_rettifica(evento)
    if not destinatari:
        return 0
    punto = evento.votazione.punto
    seduta = punto.seduta
    ambito = seduta.ambito
    url = posta.base_url(base_url) + reverse(
        "assemblea:votazione", kwargs={"slug": ambito.slug, "pk": seduta.pk, "punto": punto.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        soggetto = in_una_riga(
            _("Rettifica del voto del comune di %(c)s — %(s)s")
            % {"c": evento.comune.nome, "s": seduta.titolo}
        )
        testo = corpo_rettifica(evento, url)
    return posta.invia(
        posta.messaggio(soggetto, testo, destinatario, rispondi_a=ambito.email_ufficio_piano)
        for destinatario in destinatari
    )


def evento_per_rettifica(evento_id):
    return (
        EventoVoto.objects.select_related(
            "votazione__punto__seduta__ambito", "votazione__regola", "comune", "utente"
        )
        .filter(pk=evento_id, rettifica=True)
        .first()
    )
