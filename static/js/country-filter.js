// A box before the country list that narrows it to the names (or codes) holding what is typed,
// accents aside, and picks the first of them. Without this script the list is a plain select.
(function () {
  const fold = text => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  document.querySelectorAll("select[data-filter-label]").forEach(function (select) {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "country-filter";
    box.id = select.id + "_filter";
    box.placeholder = select.dataset.filterLabel;
    box.setAttribute("aria-label", select.dataset.filterLabel);
    box.setAttribute("aria-controls", select.id);
    select.before(box);
    const options = Array.from(select.options).filter(option => option.value);
    box.addEventListener("input", function () {
      const wanted = fold(box.value.trim());
      let first = null;
      options.forEach(function (option) {
        const match = !wanted || fold(option.text).includes(wanted) || option.value.toLowerCase() === wanted;
        option.hidden = !match;
        if (match && !first) first = option;
      });
      if (wanted && first && select.selectedOptions[0] !== first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  });
})();
