// The posting form: each section's plain text shown beside its field as the public page will
// show it (paragraphs, lists), from the server's own sanitiser. A file of its own, because the
// Content-Security-Policy runs no inline script; without it the fields are plain textareas.
(function () {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!token) return;
  document.querySelectorAll("textarea[data-preview-url]").forEach(function (field) {
    const box = document.createElement("div");
    box.className = "text-preview";
    box.id = field.id + "_preview";
    const heading = document.createElement("p");
    heading.className = "text-preview-label";
    heading.textContent = field.dataset.previewLabel;
    const prose = document.createElement("div");
    prose.className = "prose";
    prose.setAttribute("aria-live", "polite");
    box.append(heading, prose);
    field.after(box);
    let timer = null;
    let asked = 0;
    async function show() {
      const mine = ++asked;
      const body = new FormData();
      body.append("text", field.value);
      let html;
      try {
        const response = await fetch(field.dataset.previewUrl, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: {"X-CSRFToken": token.value},
        });
        if (!response.ok) return;
        html = (await response.json()).html;
      } catch (error) {
        return;  // offline, or the page is being left: the preview is only an aid
      }
      // An answer to older text than the latest question is dropped.
      if (mine !== asked) return;
      // Sanitised by the server (the allowlist of the public page): safe to insert as HTML.
      prose.innerHTML = html;
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(show, 250);
    });
    if (field.value) show();
  });
})();
