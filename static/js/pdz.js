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
