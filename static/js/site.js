// The public site's enhancements. Every feature works without this file: it only saves clicks.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  // Filters apply as soon as they change; the Filter button stays for browsers without script.
  var form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function () {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }

  // On a wide screen the filters are a sidebar, never a closed sheet (for browsers that do not
  // know ::details-content yet).
  var sheet = document.querySelector(".filter-sheet");
  var wide = window.matchMedia("(min-width: 60.01rem)");
  function sidebar() {
    if (sheet && wide.matches) sheet.open = true;
  }
  sidebar();
  var close = document.querySelector(".sheet-close");
  if (close) {
    close.addEventListener("click", function () {
      sheet.open = false;
      sheet.querySelector("summary").focus();
    });
  }
  wide.addEventListener("change", sidebar);

  // Escape closes an open sheet or menu, and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (details) {
      if (details === sheet && wide.matches) return;
      details.open = false;
      details.querySelector("summary").focus();
    });
  });
})();

// Saved jobs: kept in this browser (no account), read back from the API on the Saved jobs page.
(function () {
  var KEY = "jobboard.saved";

  function saved() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY)) || [];
    } catch (error) {
      return [];
    }
  }

  function keep(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list));
    } catch (error) {
      // Storage full or refused (private mode): the star simply does not stick.
    }
  }

  function isSaved(id) {
    return saved().some(function (job) { return job.id === id; });
  }

  function show(button) {
    var on = isSaved(button.dataset.save);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.querySelector(".save-star").textContent = on ? "★" : "☆";
  }

  document.querySelectorAll("button.save").forEach(function (button) {
    button.hidden = false;
    show(button);
    button.addEventListener("click", function () {
      var id = button.dataset.save;
      var list = saved().filter(function (job) { return job.id !== id; });
      if (list.length === saved().length) {
        list.unshift({
          id: id,
          title: button.dataset.title,
          company: button.dataset.company,
          url: button.dataset.url,
          language: button.dataset.language
        });
      }
      keep(list);
      show(button);
    });
  });

  var page = document.querySelector(".saved");
  if (!page) return;
  var list = page.querySelector(".saved-list");
  var empty = page.querySelector(".saved-empty");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render() {
    var jobs = saved();
    empty.hidden = jobs.length > 0;
    list.replaceChildren();
    jobs.forEach(function (job) {
      var item = element("li", "card saved-job");
      item.lang = job.language || "";
      var title = element("a", "saved-title", job.title);
      // Only a path of this site: storage is the visitor's to edit, a link must not run script.
      if (/^\/[^/\\]/.test(job.url || "")) title.href = job.url;
      var meta = element("p", "card-meta", job.company);
      var status = element("p", "saved-status");
      var remove = element("button", "button button-secondary", page.dataset.remove);
      remove.type = "button";
      remove.addEventListener("click", function () {
        keep(saved().filter(function (other) { return other.id !== job.id; }));
        render();
      });
      item.append(title, meta, status, remove);
      list.append(item);
      fetch("/api/v1/postings/" + encodeURIComponent(job.id), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404 || response.status === 410) {
            item.classList.add("expired");
            status.textContent = page.dataset.expired;
            return null;
          }
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (posting) {
          if (!posting) return;
          title.textContent = posting.title;
          meta.textContent = [posting.company.name, posting.city].filter(Boolean).join(" · ");
        })
        .catch(function () {
          status.textContent = page.dataset.failed;
        });
    });
  }

  render();
})();

// Share: the system's share sheet where the browser has one (a phone's apps), else a copy
// button beside the links, which work without script.
(function () {
  var box = document.querySelector(".share");
  if (!box) return;
  var job = { title: box.dataset.title, url: box.dataset.url };
  var links = box.querySelector(".share-links");
  var status = box.querySelector(".share-status");
  if (navigator.share) {
    var button = box.querySelector(".share-native");
    button.hidden = false;
    links.hidden = true;
    button.addEventListener("click", function () {
      navigator.share(job).catch(function (error) {
        // Closed by the visitor: nothing to do. Refused: the links are the way.
        if (error.name !== "AbortError") links.hidden = false;
      });
    });
  }
  var copy = box.querySelector(".share-copy");
  if (!navigator.clipboard) return;
  copy.parentElement.hidden = false;
  copy.addEventListener("click", function () {
    navigator.clipboard.writeText(job.url).then(
      function () { status.textContent = box.dataset.copied; },
      // Refused (no permission): the address to copy by hand.
      function () { status.textContent = job.url; }
    );
  });
})();

// "Where" suggestions: cities from the read API in a <datalist>, as the seeker types. Without
// script the box takes any city's name all the same.
(function () {
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) return;
  var list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("list", list.id);
  var language = document.documentElement.lang;
  var timer;
  var asked = "";

  function show(cities) {
    list.textContent = "";
    cities.forEach(function (city) {
      var option = document.createElement("option");
      option.value = city.value;
      option.textContent = city.name + ", " + city.country_name;
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      asked = text;
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(text) + "&language=" + encodeURIComponent(language);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (cities) { if (input.value.trim() === text) show(cities); })
        .catch(function () { /* no suggestions: the box still takes any name */ });
    }, 150);
  });
})();
