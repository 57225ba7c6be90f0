// Row menus (<details class="menu">, kit.html's row_menu): Escape closes the open one and
// gives the focus back to its button; opening one, or clicking elsewhere, closes the others.
(() => {
  const openMenus = () => document.querySelectorAll("details.menu[open]");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = event.target.closest && event.target.closest("details.menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    const inside = event.target.closest && event.target.closest("details.menu");
    for (const menu of openMenus()) if (menu !== inside) menu.open = false;
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
