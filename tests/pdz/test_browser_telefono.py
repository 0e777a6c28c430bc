"""Mayors vote from a phone: every page each persona reaches fits a 390 px and a 320 px wide
screen, opens its navigation from the menu button, and has no WCAG 2.1 A/AA violation axe-core
can find.

The data are the demo's (`seed_demo`: tables with meetings and outcomes, objectives, the register,
the Cremasco plan frozen for its Assemblea) plus what a voting day adds: the session open, the
vote on the plan open, and a second plan of the ambito in review. Run with `-s` to see the pages
crawled, their widths and the axe totals.
"""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from ambiti.demo import carica_periodo
from ambiti.models import Ambito, Iscrizione
from assemblea import services as assemblea_services
from assemblea.models import Seduta
from obiettivi.models import Obiettivo
from pdz.demo import PASSWORD_DEMO
from piani import services as piani_services
from piani.models import Piano
from tavoli.models import Tavolo
from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TELEFONO = {"width": 390, "height": 844}
TELEFONO_PICCOLO = {"width": 320, "height": 640}

# The page is wider than the screen: the elements whose right edge passes it and that no
# ancestor clips (a .table-responsive scrolls inside itself and does not count), innermost first.
LARGHEZZA = """() => {
  const schermo = window.innerWidth;
  const pagina = document.documentElement.scrollWidth;
  const selettore = (el) => {
    const parti = [];
    for (let n = el; n && n !== document.body && parti.length < 5; n = n.parentElement) {
      let parte = n.tagName.toLowerCase();
      if (n.id) { parti.unshift(`${parte}#${n.id}`); break; }
      const classi = [...n.classList].slice(0, 2);
      if (classi.length) parte += "." + classi.join(".");
      const fratelli = n.parentElement
        ? [...n.parentElement.children].filter((f) => f.tagName === n.tagName) : [];
      if (fratelli.length > 1) parte += `:nth-of-type(${fratelli.indexOf(n) + 1})`;
      parti.unshift(parte);
    }
    return parti.join(" > ");
  };
  const fuori = [];
  if (pagina > schermo) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || r.right <= schermo + 0.5) continue;
      // Clipped by a scroller only if the scroller contains it: an absolutely positioned box
      // escapes every static ancestor.
      let tagliato = false;
      let fuoriFlusso = ["absolute", "fixed"].includes(getComputedStyle(el).position);
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const stile = getComputedStyle(p);
        const posizionato = stile.position !== "static";
        if ((!fuoriFlusso || posizionato) && stile.overflowX !== "visible") { tagliato = true; break; }
        if (fuoriFlusso && posizionato) fuoriFlusso = ["absolute", "fixed"].includes(stile.position);
      }
      if (!tagliato) fuori.push(el);
    }
  }
  const interni = fuori.filter((e) => !fuori.some((o) => o !== e && e.contains(o)));
  return {
    schermo, pagina,
    elementi: interni.slice(0, 6).map(
      (e) => `${selettore(e)} (bordo destro ${Math.round(e.getBoundingClientRect().right)} px)`),
  };
}"""


PERSONE = [
    "up.cremasco",
    "sindaco.crema",
    "delegato.pandino",
    "operatore.cremasco",
    "ente.cremasco",
    "admin",
]


@pytest.fixture
def giornata_di_voto(db):
    """The demo's data on the day the Cremasco Assemblea votes its plan, and the pages one
    click below the menu that each persona works in."""
    call_command("seed_demo", consenti_in_produzione=True, stdout=io.StringIO())
    cremasco = Ambito.objects.get(slug="cremasco")
    ufficio = User.objects.get(username="up.cremasco")
    operatore = User.objects.get(username="operatore.cremasco")

    # The frozen plan (version 1) goes to the vote; the previous period's plan is in review.
    seduta = Seduta.objects.get(ambito=cremasco)
    # The day of the vote: the first call began a few minutes ago (a session opens from then).
    Seduta.objects.filter(pk=seduta.pk).update(
        prima_convocazione=timezone.now() - timedelta(minutes=5)
    )
    assemblea_services.apri_seduta(seduta, utente=ufficio, convocazione="prima")
    punto = seduta.punti.get(versione_piano__isnull=False)
    votazione = assemblea_services.prepara_votazione(punto)
    assemblea_services.apri_votazione(votazione, utente=ufficio)
    congelato = Piano.objects.get(ambito=cremasco, stato=Piano.Stato.PER_ASSEMBLEA)
    in_revisione = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo("2021-2023"), utente=ufficio
    )
    piani_services.invia_in_revisione(piano=in_revisione, utente=ufficio)
    sezione = in_revisione.sezioni.order_by("ordine").first()

    tavolo = Tavolo.objects.filter(ambito=cremasco, operatori=operatore).first()
    incontro = tavolo.incontri.order_by("inizio").first()
    obiettivo = Obiettivo.objects.filter(ambito=cremasco).first()
    valutato = Obiettivo.objects.filter(ambito=cremasco, periodo__nome="2021-2023").first()
    iscrizione = Iscrizione.objects.filter(ambito=cremasco).first()

    s = "cremasco"
    p_seduta = {"slug": s, "pk": seduta.pk}
    url = {
        "tavolo": reverse("tavoli:dettaglio", kwargs={"slug": s, "pk": tavolo.pk}),
        "incontro": reverse(
            "tavoli:incontro", kwargs={"slug": s, "pk": tavolo.pk, "ipk": incontro.pk}
        ),
        "obiettivo": reverse("obiettivi:dettaglio", kwargs={"slug": s, "pk": obiettivo.pk}),
        "valutazione": reverse("obiettivi:valutazione", kwargs={"slug": s}),
        "spesa effettiva": reverse(
            "obiettivi:valutazione-spesa", kwargs={"slug": s, "pk": valutato.pk}
        ),
        "piano in revisione": reverse("piani:dettaglio", kwargs={"slug": s, "pk": in_revisione.pk}),
        "sezione": reverse(
            "piani:sezione", kwargs={"slug": s, "pk": in_revisione.pk, "spk": sezione.pk}
        ),
        "piano congelato": reverse("piani:dettaglio", kwargs={"slug": s, "pk": congelato.pk}),
        "versione": reverse("piani:versione", kwargs={"slug": s, "pk": congelato.pk, "numero": 1}),
        "seduta": reverse("assemblea:seduta", kwargs=p_seduta),
        "presenze seduta": reverse("assemblea:presenze", kwargs=p_seduta),
        "deleghe": reverse("assemblea:deleghe", kwargs=p_seduta),
        "votazione": reverse("assemblea:votazione", kwargs={**p_seduta, "punto": punto.pk}),
        "iscrizione": reverse(
            "ambiti:iscrizione-dettaglio", kwargs={"slug": s, "pk": iscrizione.pk}
        ),
        "regole di voto": reverse("assemblea:regole", kwargs={"slug": s}),
        "nuove regole": reverse("assemblea:regola-nuova", kwargs={"slug": s}),
        "fondi disponibili": reverse("obiettivi:disponibilita", kwargs={"slug": s}),
        "profilo": reverse("accounts:profilo"),
    }
    comune = ["piano in revisione", "piano congelato", "versione", "profilo"]
    seduta_sindaco = ["seduta", "votazione"]
    tutte = list(url)
    pagine = {
        "up.cremasco": tutte,
        "sindaco.crema": comune + seduta_sindaco,
        "delegato.pandino": comune + seduta_sindaco,
        "operatore.cremasco": ["tavolo", "incontro", "obiettivo", "profilo"],
        "ente.cremasco": ["tavolo", "incontro", "profilo"],
        "admin": tutte,
    }
    return {persona: [(nome, url[nome]) for nome in nomi] for persona, nomi in pagine.items()}


def _voci_menu(page) -> list[str]:
    return page.locator("#nav-principale a.nav-link").evaluate_all(
        "(link) => link.map((a) => a.getAttribute('href'))"
    )


def _apri_e_chiudi_menu(page) -> str | None:
    """Open the navigation from the menu button, check its links are there, close it."""
    bottone = page.get_by_test_id("apri-menu")
    if not bottone.is_visible():
        return "il pulsante del menu non è visibile"
    menu = page.locator("#nav-principale")
    bottone.click()
    expect(menu).to_have_class(re.compile(r"\bexpanded\b"))
    expect(bottone).to_have_attribute("aria-expanded", "true")
    voci = menu.locator("a.nav-link")
    expect(voci.first).to_be_visible()
    nascoste = voci.evaluate_all(
        "(link) => link.filter((a) => !a.checkVisibility()).map((a) => a.getAttribute('href'))"
    )
    if nascoste:
        return f"menu aperto, voci non visibili: {nascoste}"
    # When the opening transition ends the focus moves into the menu, on its close button; a
    # click before then is ignored by Bootstrap Italia.
    chiudi = page.get_by_test_id("chiudi-menu")
    expect(chiudi).to_be_focused()
    chiudi.click()
    expect(menu).to_be_hidden()
    expect(bottone).to_have_attribute("aria-expanded", "false")
    return None


def _troppo_larga(page, persona, indirizzo) -> str | None:
    misura = page.evaluate(LARGHEZZA)
    if misura["pagina"] <= misura["schermo"]:
        return None
    return (
        f"{persona} {indirizzo} a {misura['schermo']} px: larga {misura['pagina']} px\n    "
        + "\n    ".join(misura["elementi"])
    )


# One test per persona, each with its own time: the Ufficio di Piano's and the administrator's
# crawls visit about a hundred pages at two widths, with axe-core on each.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("persona", PERSONE)
def test_ogni_pagina_sta_nel_telefono(nuovo_contesto, giornata_di_voto, persona):
    problemi: list[str] = []
    riepilogo: list[tuple] = []
    profonde = giornata_di_voto[persona]
    # Reduced motion, as many phone users ask: the menu opens without its slide.
    context = nuovo_contesto(reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.set_viewport_size(TELEFONO)
    accedi(page, persona, PASSWORD_DEMO)

    # The persona's navigation as it unfolds (the ambito's links appear on its pages), then
    # the pages one click below it.
    visitate: set[str] = set()
    da_visitare = [("menu", "/")]
    while da_visitare or profonde:
        if not da_visitare:
            da_visitare, profonde = profonde, []
        nome, indirizzo = da_visitare.pop(0)
        if indirizzo in visitate:
            continue
        risposta = page.goto(indirizzo)
        arrivo = urlsplit(page.url).path  # "/" leads to the persona's ambito
        visitate.add(indirizzo)
        if arrivo != indirizzo:
            if arrivo in visitate:
                continue
            visitate.add(arrivo)
        if risposta.status != 200:
            problemi.append(f"{persona} {arrivo}: risposta {risposta.status}")
            continue
        voci = [v for v in _voci_menu(page) if not v.startswith("/admin/")]
        nuove = [("menu", v) for v in voci if v not in visitate]
        if persona == "admin" and arrivo.startswith("/ambiti/") and "/cremasco/" not in arrivo:
            # The other ambiti's pages are the same templates: their dashboards suffice.
            nuove = []
        da_visitare = [*nuove, *da_visitare]  # the menu first, depth first

        larghezza_390 = page.evaluate("document.documentElement.scrollWidth")
        problemi.append(_troppo_larga(page, persona, arrivo))
        guasto_menu = _apri_e_chiudi_menu(page)
        if guasto_menu:
            problemi.append(f"{persona} {arrivo}: {guasto_menu}")
        violazioni = violazioni_axe(page)
        if violazioni:
            problemi.append(
                f"{persona} {arrivo}: axe-core, WCAG 2.1 AA\n" + descrivi_violazioni_axe(violazioni)
            )
        # The same page on the smallest phone still in use.
        page.set_viewport_size(TELEFONO_PICCOLO)
        larghezza_320 = page.evaluate("document.documentElement.scrollWidth")
        problemi.append(_troppo_larga(page, persona, arrivo))
        if not page.get_by_test_id("apri-menu").is_visible():
            problemi.append(f"{persona} {arrivo} a 320 px: pulsante del menu non visibile")
        page.set_viewport_size(TELEFONO)
        riepilogo.append((persona, nome, arrivo, larghezza_390, larghezza_320, len(violazioni)))
    context.close()

    print(f"\nPagine controllate: {len(riepilogo)} (larghezza a 390 e 320 px, violazioni axe)")
    for persona, nome, indirizzo, a390, a320, axe in riepilogo:
        print(f"  {persona:<19} {a390:>4} {a320:>4} axe {axe}  {nome:<18} {indirizzo}")
    print(f"Violazioni axe in totale: {sum(r[5] for r in riepilogo)}")
    problemi = [p for p in problemi if p]
    assert not problemi, "\n".join(problemi)
