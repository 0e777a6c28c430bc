// The minutes are never lost: every keystroke is kept in this browser (localStorage) and, a few
// seconds later, on the server as the user's draft. A real save clears both.
//
// The browser copy is keyed per user and per meeting (pdz:verbale:<user>:<meeting>), so that on a
// shared computer nobody is offered someone else's text, and it is removed at logout: here when
// the logout form is sent, and for every page by the logout response (Clear-Site-Data).
(function () {
  const PREFISSO = "pdz:";
  // Written before the keys named the user: nobody can tell whose they are.
  const PREFISSO_SENZA_UTENTE = "pdz-verbale-";

  function csrf(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function chiavi(prefisso) {
    const trovate = [];
    for (let i = 0; i < localStorage.length; i++) {
      const chiave = localStorage.key(i);
      if (chiave && chiave.startsWith(prefisso)) trovate.push(chiave);
    }
    return trovate;
  }

  function dimentica(prefisso) {
    chiavi(prefisso).forEach((chiave) => localStorage.removeItem(chiave));
  }

  document.querySelectorAll("form[data-esci]").forEach((uscita) => {
    uscita.addEventListener("submit", () => dimentica(PREFISSO));
  });
  dimentica(PREFISSO_SENZA_UTENTE);

  // A <textarea> is sent by the browser with "\r\n", read by a script with "\n": the same
  // text must never look like an unsaved draft.
  function uguali(a, b) {
    return a.replace(/\r\n?/g, "\n") === b.replace(/\r\n?/g, "\n");
  }

  function init(root) {
    const form = root.querySelector("form[data-verbale]");
    if (!form || form.dataset.pronto) return;
    form.dataset.pronto = "1";
    const area = form.querySelector("textarea[name=testo]");
    const versione = form.querySelector("input[name=versione]").value;
    const chiave = PREFISSO + "verbale:" + form.dataset.utente + ":" + form.dataset.incontro;
    const stato = form.querySelector("[data-stato-salvataggio]");
    let timer = null;

    if (form.hasAttribute("data-salvato")) {
      localStorage.removeItem(chiave);
    } else {
      const locale = JSON.parse(localStorage.getItem(chiave) || "null");
      const banner = root.querySelector("[data-bozza-locale]");
      if (locale && !uguali(locale.testo, area.value) && banner) {
        banner.classList.remove("d-none");
        banner.querySelector("[data-ripristina-locale]").addEventListener("click", () => {
          area.value = locale.testo;
          banner.classList.add("d-none");
        });
      }
    }
    const ripristina = root.querySelector("[data-ripristina-bozza]");
    if (ripristina) {
      ripristina.addEventListener("click", () => {
        area.value = root.querySelector("template[data-testo-bozza]").content.textContent;
        ripristina.closest(".alert").remove();
      });
    }

    // The real save makes the pending autosave pointless: sent afterwards it would bring back
    // the draft the save has just cleared.
    form.addEventListener("submit", () => clearTimeout(timer));
    form.addEventListener("htmx:beforeRequest", () => clearTimeout(timer));

    area.addEventListener("input", () => {
      localStorage.setItem(chiave, JSON.stringify({ testo: area.value, versione: versione }));
      clearTimeout(timer);
      timer = setTimeout(() => {
        const dati = new FormData();
        dati.append("testo", area.value);
        dati.append("versione", versione);
        fetch(form.dataset.autosalva, {
          method: "POST",
          body: dati,
          headers: { "X-CSRFToken": csrf(form) },
          credentials: "same-origin",
          redirect: "manual",
        })
          .then((risposta) => (risposta.ok ? risposta.json() : Promise.reject(risposta)))
          .then((json) => { stato.textContent = "Bozza salvata automaticamente alle " + json.salvata_il + "."; })
          .catch(() => { stato.textContent = "Bozza conservata in questo browser: salvala appena possibile."; });
      }, 2000);
    });
  }

  // Attendance: ticking a member proposes one person, unticking clears her count, so that the
  // "Persone" column never shows a number for someone who is not counted.
  document.addEventListener("change", (evento) => {
    const casella = evento.target;
    if (!casella.matches("#presenze input[type=checkbox][name^=presente_]")) return;
    const numero = document.querySelector(
      "#presenze input[name=partecipanti_" + casella.name.slice("presente_".length) + "]"
    );
    if (!numero) return;
    if (casella.checked && !numero.value) numero.value = "1";
    if (!casella.checked) numero.value = "";
  });

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.body.addEventListener("htmx:afterSettle", (evento) => init(evento.detail.elt.parentElement || document));
})();
