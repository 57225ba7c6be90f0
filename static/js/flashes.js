// The messages at the top stay in sight (sticky) when a page opens further down, at a line
// (#lead-12): the page leaves them the room they take, so that line, and whatever the
// keyboard moves to, shows below them instead of under them.
(() => {
  const messages = document.querySelector(".flashes");
  if (!messages) return;
  const root = document.documentElement;
  const leaveRoom = () => {
    const gap = parseFloat(getComputedStyle(messages).marginBottom) || 0;
    root.style.setProperty("--message-room", `${messages.offsetHeight + gap}px`);
  };
  leaveRoom();
  new ResizeObserver(leaveRoom).observe(messages);
  // The browser went to the line before the room was known: go there again, unless the
  // page is coming back to where the person had scrolled (back, forward, reload).
  const arrival = performance.getEntriesByType("navigation")[0];
  const line = location.hash && document.getElementById(location.hash.slice(1));
  if (line && (!arrival || arrival.type === "navigate")) line.scrollIntoView();
})();
