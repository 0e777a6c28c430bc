// A confirmation dialog before an irreversible action (templates/partials/conferma.html).
//
// <form data-conferma-dialogo="ID"> with the partial included: the submit is held and the dialog
// (a Bootstrap Italia modal) opens with focus on "Annulla". Esc or "Annulla" close it with nothing
// sent and focus back on the button that asked; the confirm button submits the form with that
// same button as submitter. Without JavaScript, or without Bootstrap, the form submits as it is:
// the server guards every one of these actions by the state of what it changes.
(() => {
  const confermati = new WeakSet();

  function apri(modulo, dialogo, pulsante) {
    const Modal = window.bootstrap && window.bootstrap.Modal;
    if (!Modal) return false;
    // A modal inside a card or a table would sit under their stacking context.
    if (dialogo.parentElement !== document.body) document.body.appendChild(dialogo);
    const modale = Modal.getOrCreateInstance(dialogo, { backdrop: "static", keyboard: true });
    let confermato = false;
    const ok = dialogo.querySelector("[data-conferma-ok]");
    const annulla = dialogo.querySelector("[data-conferma-annulla]");
    const suOk = () => {
      confermato = true;
      modale.hide();
    };
    const mostrato = () => (annulla || ok).focus();
    const nascosto = () => {
      ok.removeEventListener("click", suOk);
      dialogo.removeEventListener("shown.bs.modal", mostrato);
      dialogo.removeEventListener("hidden.bs.modal", nascosto);
      if (confermato) {
        confermati.add(modulo);
        if (pulsante && pulsante.form === modulo) modulo.requestSubmit(pulsante);
        else modulo.requestSubmit();
      } else if (pulsante && document.contains(pulsante)) {
        pulsante.focus();
      }
    };
    ok.addEventListener("click", suOk);
    dialogo.addEventListener("shown.bs.modal", mostrato);
    dialogo.addEventListener("hidden.bs.modal", nascosto);
    modale.show();
    return true;
  }

  document.addEventListener("submit", (evento) => {
    const modulo = evento.target;
    if (!(modulo instanceof HTMLFormElement) || !modulo.dataset.confermaDialogo) return;
    if (confermati.has(modulo)) {
      confermati.delete(modulo);
      return;
    }
    const dialogo = document.getElementById(modulo.dataset.confermaDialogo);
    if (!dialogo) return;
    const pulsante = evento.submitter || null;
    if (apri(modulo, dialogo, pulsante)) {
      evento.preventDefault();
      evento.stopImmediatePropagation();
    }
  }, true);
})();
