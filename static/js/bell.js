// The bell's unread count follows what the live board hears: a new lead (from the web
// form, an email) may bring a notification with it. The count is asked a second after the
// first change (a change's notifications are written just after it), then at most once
// every five seconds however many changes arrive.
(() => {
  const bell = document.querySelector("a.bell[data-unread-url]");
  if (!bell) return;
  const WAIT_MS = 1000;
  const EVERY_MS = 5000;
  let timer = null;
  let asked = -Infinity;

  const show = ({ unread, shown, words }) => {
    let count = bell.querySelector(".bell-count");
    bell.classList.toggle("has-unread", unread > 0);
    if (!unread) {
      if (count) count.remove();
      return;
    }
    if (!count) {
      count = document.createElement("span");
      count.className = "bell-count";
      bell.append(count);
    }
    const label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = ` ${words}`;
    count.replaceChildren(shown, label);
  };

  const refresh = () => {
    timer = null;
    asked = Date.now();
    fetch(bell.dataset.unreadUrl, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then((response) => (response.ok ? response.json() : null))
      .then((answer) => { if (answer) show(answer); })
      .catch(() => { /* asked again at the next change */ });
  };

  document.addEventListener("kanban:lead-event", () => {
    if (!timer) timer = window.setTimeout(refresh, Math.max(WAIT_MS, asked + EVERY_MS - Date.now()));
  });
})();
