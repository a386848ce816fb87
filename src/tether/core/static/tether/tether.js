// Tether's own behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("htmx:afterSwap", (event) => {
  // After a search fills a SearchSelect, pick the first match so the form is ready to save.
  const target = event.detail.target;
  if (target.tagName === "SELECT" && target.options.length > 1 && !target.value) {
    target.selectedIndex = 1;
  }
});

// Bar widths come from data attributes: inline style attributes would need 'unsafe-inline'.
function applyBarWidths(root) {
  root.querySelectorAll("[data-width]").forEach((bar) => {
    bar.style.width = `${Math.max(0, Math.min(100, Number(bar.dataset.width)))}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => applyBarWidths(document));
document.addEventListener("htmx:afterSwap", (event) => applyBarWidths(event.detail.target));

// Colors an administrator configures (risk ratings) come from data attributes, for the same reason.
function applyColors(root) {
  root.querySelectorAll("[data-bg]").forEach((element) => {
    element.style.backgroundColor = element.dataset.bg;
    if (element.dataset.fg) element.style.color = element.dataset.fg;
  });
}
document.addEventListener("DOMContentLoaded", () => applyColors(document));
document.addEventListener("htmx:afterSwap", (event) => applyColors(event.detail.target));
