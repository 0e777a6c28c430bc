"""The meetings of the tables as calendar events (core.calendario writes them): subscribable
feeds and e-mail invitations."""

from django.urls import reverse

from core import calendario


def percorso_incontro(incontro):
    """Path of the meeting's page in the portal."""
    tavolo = incontro.tavolo
    return reverse(
        "tavoli:incontro",
        kwargs={"slug": tavolo.ambito.slug, "pk": tavolo.pk, "ipk": incontro.pk},
    )


def descrizione(incontro, *, url=None):
    """Plain text of the agenda and the links, shared by the event and the e-mail body."""
    return calendario.descrizione(incontro.punti_odg, link_online=incontro.link_online, url=url)


def evento_incontro(incontro, *, url=None) -> calendario.Evento:
    """The event of one meeting; `incontro.tavolo` should already be loaded. `url` is the
    absolute address of its page, when known."""
    return calendario.Evento(
        uid=str(incontro.uid),
        titolo=f"{incontro.tavolo.titolo} — {incontro.titolo}",
        inizio=incontro.inizio,
        fine=incontro.fine,
        sequenza=incontro.sequenza_ics,
        luogo=incontro.luogo or incontro.link_online,
        descrizione=descrizione(incontro, url=url),
        url=url or incontro.link_online,
        creato_il=incontro.creato_il,
    )
