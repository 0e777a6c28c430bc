// Bootstrap Italia loads its web fonts from window.__PUBLIC_PATH__: point it at our static files.
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
window.addEventListener("DOMContentLoaded", () => {
  if (window.bootstrap && window.bootstrap.loadFonts) {
    window.bootstrap.loadFonts(window.__PUBLIC_PATH__);
  }
});
