// htmx leaves error responses unswapped: show their text (an Italian message from the server)
// instead of failing silently, so that a refused change is never mistaken for a saved one.
document.body.addEventListener("htmx:responseError", (evento) => {
  const zona = document.getElementById("avvisi-htmx");
  if (!zona) return;
  const avviso = document.createElement("div");
  avviso.className = "alert alert-danger";
  avviso.setAttribute("role", "alert");
  const testo = evento.detail.xhr.responseText || "";
  avviso.textContent = testo.length > 0 && testo.length < 500 && !testo.includes("<")
    ? testo
    : "L'operazione non è riuscita. Ricarica la pagina e riprova.";
  zona.replaceChildren(avviso);
  avviso.scrollIntoView({ block: "center" });
});

// The Content-Security-Policy forbids inline handlers and style= attributes: the behaviours
// that used them are declared with data- attributes and wired here. Listeners are delegated
// to the document, so content swapped in by htmx gets them too.

// <form data-conferma="Domanda?">: the browser asks before submitting.
document.addEventListener("submit", (evento) => {
  const modulo = evento.target;
  if (!(modulo instanceof HTMLFormElement) || modulo.dataset.conferma === undefined) return;
  if (!window.confirm(modulo.dataset.conferma)) {
    evento.preventDefault();
    evento.stopPropagation();
  }
}, true);

// <select data-invio-automatico>: choosing an option submits its form (a <noscript> button
// does it without JavaScript).
document.addEventListener("change", (evento) => {
  const campo = evento.target;
  if (campo instanceof HTMLSelectElement && campo.dataset.invioAutomatico !== undefined && campo.form) {
    campo.form.requestSubmit();
  }
});

// <div class="progress-bar" data-percentuale="40">: the width, set through the CSSOM (which the
// policy allows) from the value that the progressbar's aria-valuenow also states.
function applicaPercentuali(radice) {
  const barre = radice.matches?.("[data-percentuale]") ? [radice] : [];
  barre.push(...radice.querySelectorAll("[data-percentuale]"));
  for (const barra of barre) {
    const valore = Number.parseFloat(barra.dataset.percentuale);
    barra.style.width = `${Number.isFinite(valore) ? Math.min(Math.max(valore, 0), 100) : 0}%`;
  }
}
applicaPercentuali(document.body);
document.body.addEventListener("htmx:load", (evento) => applicaPercentuali(evento.detail.elt));

// A table wider than the phone scrolls inside its .table-responsive: a keyboard user reaches it
// with Tab and scrolls it with the arrows (WCAG 2.1.1). Only a scroller that scrolls and has no
// focusable content of its own gets the tab stop, named after the table's caption.
const FOCUSABILI = "a[href], button, input, select, textarea, [tabindex]";
function rendiScorrevoliRaggiungibili(radice) {
  const contenitori = radice.matches?.(".table-responsive") ? [radice] : [];
  contenitori.push(...radice.querySelectorAll(".table-responsive"));
  for (const contenitore of contenitori) {
    const scorre = contenitore.scrollWidth > contenitore.clientWidth;
    if (scorre && !contenitore.querySelector(FOCUSABILI)) {
      contenitore.tabIndex = 0;
      contenitore.setAttribute("role", "region");
      const didascalia = contenitore.querySelector("caption")?.textContent.trim();
      contenitore.setAttribute("aria-label", didascalia || "Tabella scorrevole");
      contenitore.dataset.scorrevole = "aggiunto";
    } else if (contenitore.dataset.scorrevole === "aggiunto") {
      contenitore.removeAttribute("tabindex");
      contenitore.removeAttribute("role");
      contenitore.removeAttribute("aria-label");
      delete contenitore.dataset.scorrevole;
    }
  }
}
rendiScorrevoliRaggiungibili(document.body);
document.body.addEventListener("htmx:load", (evento) => rendiScorrevoliRaggiungibili(evento.detail.elt));
window.addEventListener("resize", () => rendiScorrevoliRaggiungibili(document.body));
