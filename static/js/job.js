// A job's page follows the job: its status, count and bar every second until it is done.
(() => {
  const page = document.getElementById("job");
  if (!page || page.dataset.finished === "true") return;
  const $ = (id) => document.getElementById(id);
  const show = (element, text) => {
    if (!element) return;
    element.hidden = !text;
    if (text !== undefined) element.textContent = text || "";
  };
  async function look() {
    let view;
    try {
      const answer = await fetch(page.dataset.url, { headers: { Accept: "application/json" } });
      if (!answer.ok) throw new Error(answer.status);
      view = await answer.json();
    } catch (error) {
      setTimeout(look, 5000); // the server is away for a moment: look again later
      return;
    }
    $("job-status").textContent = view.status_text;
    $("job-count").textContent = view.count;
    const bar = $("job-progress");
    if (view.percent === null) bar.removeAttribute("value");
    else bar.value = view.percent;
    show($("job-message"), view.message);
    show($("job-error"), view.error);
    if (view.result_url) {
      $("job-result").querySelector("a").href = view.result_url;
      $("job-result").hidden = false;
    }
    if (view.cancel_requested) {
      const button = document.querySelector("#job-cancel button");
      if (button) button.disabled = true;
    }
    if (view.finished) {
      const form = $("job-cancel");
      if (form) form.remove();
      page.dataset.finished = "true";
      return;
    }
    setTimeout(look, 1000);
  }
  setTimeout(look, 1000);
})();
