// The posting form: how many of the title's characters are used, as it is typed. A file of its
// own, because the Content-Security-Policy runs no inline script.
(function () {
  const title = document.querySelector("input#id_title[maxlength]");
  if (!title) return;
  const count = document.createElement("span");
  count.className = "char-count";
  count.id = "id_title_count";
  title.after(count);
  title.setAttribute("aria-describedby", [title.getAttribute("aria-describedby"), count.id].filter(Boolean).join(" "));
  const show = () => { count.textContent = title.value.length + " / " + title.maxLength; };
  title.addEventListener("input", show);
  show();
})();
