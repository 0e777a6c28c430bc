// The rich-text editor of the plan's sections (django-prose-editor: Tiptap on ProseMirror).
//
// The textarea stays the form's field: the editor writes its HTML back on every change and fires
// "input" on it, so whatever listens to the textarea keeps working. Without JavaScript, or if the
// editor fails to load, the textarea is still there and still works.
//
// Started here rather than by the package's own script for the Content-Security-Policy: that one
// needs an inline import map, and Tiptap would add a <style> element to the page (its base rules
// are in css/editor-sezioni.css instead). The server cleans every text again (piani/sanitizzazione.py):
// the editor only spares the person writing from markup, it is no safeguard.

const ATTRIBUTO_CONFIGURAZIONE = "data-django-prose-editor-configurable";

// The package's dialogs ask window.gettext for their words: in Italian, before its module loads.
const PAROLE = {
  URL: "Indirizzo (https://…)",
  Title: "Titolo (facoltativo)",
  "Edit Link": "Collegamento",
  Update: "Applica",
  Cancel: "Annulla",
  Rows: "Righe",
  Columns: "Colonne",
  "Include header row": "Con riga di intestazione",
  "Table Properties": "Nuova tabella",
  "Insert Table": "Inserisci la tabella",
};
const gettextPrecedente = window.gettext;
window.gettext = (testo) => PAROLE[testo] ?? (gettextPrecedente ? gettextPrecedente(testo) : testo);

// The toolbar's buttons, by the name the package gives them: their Italian name for the title
// (shown on hover) and for screen readers.
const PULSANTI = {
  heading2: "Titolo di livello 2",
  heading3: "Titolo di livello 3",
  heading4: "Titolo di livello 4",
  paragraph: "Paragrafo",
  bulletList: "Elenco puntato",
  orderedList: "Elenco numerato",
  bold: "Grassetto",
  italic: "Corsivo",
  link: "Collegamento",
  unlink: "Togli il collegamento",
  blockquote: "Citazione",
  table: "Inserisci una tabella",
  "table:addColumnAfter": "Aggiungi una colonna",
  "table:deleteColumn": "Elimina la colonna",
  "table:addRowAfter": "Aggiungi una riga",
  "table:deleteRow": "Elimina la riga",
  "table:mergeCells": "Unisci le celle",
  "table:splitCell": "Dividi la cella",
  "table:toggleHeaderCell": "Cella di intestazione sì/no",
  "table:deleteTable": "Elimina la tabella",
  "history:undo": "Annulla",
  "history:redo": "Ripeti",
};

function traduciPulsanti(barra) {
  for (const pulsante of barra.querySelectorAll("button[data-name]")) {
    const nome = PULSANTI[pulsante.dataset.name];
    if (nome) {
      pulsante.title = nome;
      pulsante.setAttribute("aria-label", nome);
    }
  }
}

// What another program put on the clipboard, made ready for the editor's schema, as a string
// first: a style= attribute, an onclick= or a <style> element would be reported as a violation of
// the Content-Security-Policy as soon as any DOM parsed them, even a detached one. So scripts and
// style sheets go with their content, event handlers go, and style= becomes data-pdz-stile=,
// which no policy minds; it is read here to keep what it meant and then removed.
const TAG_INIZIO = /<([a-zA-Z][\w:.-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
const ATTRIBUTO = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

function attributiInnocui(attributi) {
  let risultato = "";
  for (const [, nome, valore] of attributi.matchAll(ATTRIBUTO)) {
    const minuscolo = nome.toLowerCase();
    if (minuscolo.startsWith("on")) continue;
    const rinominato = minuscolo === "style" ? "data-pdz-stile" : nome;
    risultato += valore === undefined ? ` ${rinominato}` : ` ${rinominato}=${valore}`;
  }
  return risultato;
}

function senzaStiliNeScript(html) {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<(script|style|link|meta)\b[^>]*>/gi, "")
    .replace(TAG_INIZIO, (_tag, nome, attributi, chiuso) => `<${nome}${attributiInnocui(attributi || "")}${chiuso}>`);
}

// Bold and italic written as styles (Google Docs, LibreOffice's spans) become <strong> and <em>.
function stiliInMarcatori(documento) {
  for (const elemento of documento.body.querySelectorAll("[data-pdz-stile]")) {
    const stile = elemento.getAttribute("data-pdz-stile");
    const grassetto = /font-weight\s*:\s*(bold|bolder|[6-9]00)\b/i.test(stile);
    const corsivo = /font-style\s*:\s*italic/i.test(stile);
    for (const [vale, tag] of [[grassetto, "strong"], [corsivo, "em"]]) {
      if (!vale) continue;
      const marcatore = documento.createElement(tag);
      marcatore.append(...elemento.childNodes);
      elemento.append(marcatore);
    }
  }
}

// Word writes its lists as paragraphs (class MsoListParagraph, style "mso-list: l0 level1"), with
// the bullet or the number as text in a span the other programs never show. They become real
// lists here, so that the schema keeps them.
function listeDiWord(documento) {
  let lista = null;
  for (const paragrafo of [...documento.body.querySelectorAll("p")]) {
    const stile = paragrafo.getAttribute("data-pdz-stile") || "";
    if (!/mso-list\s*:\s*l\d+/i.test(stile)) {
      lista = null;
      continue;
    }
    // The marker: a span styled mso-list:Ignore.
    let marcatore = "";
    for (const span of paragrafo.querySelectorAll("span")) {
      if (/mso-list\s*:\s*ignore/i.test(span.getAttribute("data-pdz-stile") || "")) {
        marcatore += span.textContent.trim();
        span.remove();
      }
    }
    const numerata = /^(\d+|[a-z]|[ivxlc]+)[.)]/i.test(marcatore);
    if (!lista || lista.elemento.nextElementSibling !== paragrafo || lista.numerata !== numerata) {
      lista = { elemento: documento.createElement(numerata ? "ol" : "ul"), numerata };
      paragrafo.before(lista.elemento);
    }
    const voce = documento.createElement("li");
    const testo = documento.createElement("p");
    testo.append(...paragrafo.childNodes);
    voce.append(testo);
    lista.elemento.append(voce);
    paragrafo.remove();
  }
}

function ripulisciIncollato(html) {
  const documento = new DOMParser().parseFromString(senzaStiliNeScript(html), "text/html");
  listeDiWord(documento);
  stiliInMarcatori(documento);
  for (const elemento of documento.body.querySelectorAll("[data-pdz-stile]")) {
    elemento.removeAttribute("data-pdz-stile");
  }
  return documento.body.innerHTML;
}

function etichetta(textarea) {
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  if (!label) return {};
  if (!label.id) label.id = `${textarea.id}-etichetta`;
  return { label, id: label.id };
}

async function avvia(textarea) {
  const modulo = await import(textarea.dataset.editorModulo);
  const configurazione = JSON.parse(textarea.getAttribute(ATTRIBUTO_CONFIGURAZIONE) || "{}");
  const estensioni = [];
  for (const [nome, opzioni] of Object.entries(configurazione.extensions || {})) {
    const estensione = modulo[nome];
    if (estensione) estensioni.push(typeof opzioni === "object" ? estensione.configure(opzioni) : estensione);
  }

  const { label, id: idEtichetta } = etichetta(textarea);
  const attributi = { role: "textbox", "aria-multiline": "true" };
  if (idEtichetta) attributi["aria-labelledby"] = idEtichetta;
  const aiuto = textarea.getAttribute("aria-describedby");
  if (aiuto) attributi["aria-describedby"] = aiuto;

  const contenitore = document.createElement("div");
  contenitore.className = "prose-editor editor-sezione";
  textarea.before(contenitore);
  contenitore.append(textarea);

  const editor = new modulo.Editor({
    element: contenitore,
    injectCSS: false,
    extensions: estensioni,
    content: textarea.value,
    editorProps: { attributes: attributi, transformPastedHTML: ripulisciIncollato },
    // The toolbar exists once the editor has been created (Tiptap does it a tick later).
    onCreate({ editor: creato }) {
      const barra = contenitore.querySelector(".prose-menubar");
      if (!barra) return;
      barra.setAttribute("role", "toolbar");
      barra.setAttribute("aria-label", "Formattazione del testo");
      traduciPulsanti(barra);
      contenitore.dataset.editorPronto = "1";
      // Buttons whose state changes keep their Italian names.
      creato.on("transaction", () => traduciPulsanti(barra));
    },
    onUpdate({ editor: aggiornato }) {
      const html = aggiornato.getHTML();
      // An empty editor is still one empty paragraph: the field is empty then.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  if (label) label.addEventListener("click", () => editor.commands.focus());
  textarea.editorSezione = editor;
  textarea.dispatchEvent(new CustomEvent("editor-sezione:pronto", { bubbles: true, detail: { editor } }));
  return editor;
}

for (const textarea of document.querySelectorAll(`textarea[${ATTRIBUTO_CONFIGURAZIONE}][data-editor-modulo]`)) {
  avvia(textarea).catch((errore) => {
    // The textarea stays usable: the text can still be written and saved as HTML.
    console.error("Editor non avviato:", errore);
  });
}
