// Row menus (<details class="menu">, kit.html's row_menu) and the panels that open over the
// page (the board's "More filters" and saved views, a lead's "Lost"): Escape closes the
// open one and gives the focus back to its button; opening one, or clicking elsewhere,
// closes the others.
(() => {
  const POPOVERS = "details.menu, details.more-filters, details.view-manage, details.stage-lost";
  const openOnes = () => document.querySelectorAll(
    POPOVERS.split(", ").map((selector) => `${selector}[open]`).join(", "));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const open = event.target.closest && event.target.closest(POPOVERS);
    if (!open || !open.open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    const inside = event.target.closest && event.target.closest(POPOVERS);
    for (const open of openOnes()) if (!open.contains(inside || null)) open.open = false;
  });
})();

// On a phone the pages slide sideways in one row: the page shown is brought into view, so
// "Admin" or a plugin's page is not hidden past the edge.
(() => {
  const strip = document.querySelector(".nav-links");
  const current = strip && strip.querySelector('[aria-current="page"]');
  if (!current || strip.scrollWidth <= strip.clientWidth) return;
  const shown = strip.getBoundingClientRect(), link = current.getBoundingClientRect();
  if (link.right > shown.right || link.left < shown.left) {
    strip.scrollLeft += link.left - shown.left - (shown.width - link.width) / 2;
  }
})();
