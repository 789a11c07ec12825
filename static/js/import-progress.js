// The import run page: polls the run's progress until it ends. A file of its own, because the
// Content-Security-Policy runs no inline script.
(function () {
  const box = document.querySelector(".import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  async function poll() {
    const response = await fetch(box.dataset.url, {credentials: "same-origin"});
    if (!response.ok) return;
    const run = await response.json();
    box.querySelector(".status").textContent = run.status_label;
    box.querySelector(".rows").textContent = run.rows_done;
    box.querySelector(".expected").textContent = run.rows_expected ? " (" + box.dataset.of + " " + run.rows_expected + ")" : "";
    box.querySelectorAll("[data-count]").forEach(el => { el.textContent = run[el.dataset.count] === "" ? "-" : run[el.dataset.count]; });
    box.querySelector(".message").textContent = run.message;
    if (run.finished) {
      bar.value = 100;
      if (run.rejected) window.location.reload();  // shows the download link
      return;
    }
    if (run.rows_expected) bar.value = Math.min(99, 100 * run.rows_done / run.rows_expected);
    else bar.removeAttribute("value");
    setTimeout(poll, 1000);
  }
  if (!bar.hasAttribute("value")) poll();
})();
