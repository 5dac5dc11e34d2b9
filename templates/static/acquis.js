// acquis — progressive enhancement only: every page works without it.
"use strict";

// Upload forms: send with XMLHttpRequest to show a progress bar, then
// follow the server's answer as a normal page load would.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (!form.hasAttribute("data-upload") || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var bar = form.querySelector("progress");
  if (!bar) {
    return;
  }
  ev.preventDefault();
  var xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  bar.hidden = false;
  xhr.upload.addEventListener("progress", function (e) {
    if (e.lengthComputable) {
      bar.value = Math.round((e.loaded / e.total) * 100);
      bar.textContent = bar.value + " %";
    }
  });
  xhr.addEventListener("load", function () {
    // Replace the page with the server's answer (redirect target or the
    // page with its error message).
    if (xhr.responseURL && xhr.responseURL !== form.action) {
      window.location.assign(xhr.responseURL);
      return;
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  });
  xhr.addEventListener("error", function () {
    bar.hidden = true;
    form.submit();
  });
  xhr.send(new FormData(form));
});

// Scoring grid: each change of a criterion is saved on its own, so an
// evaluator loses nothing if the tab closes. The status is said beside the
// criterion, and the counter « n / N critères » with the grid's state
// follows. Without JavaScript, the « Enregistrer » buttons post the whole
// grid; with it they are hidden (class "js" on the root), and shown again
// if a save fails, so the evaluator always has a way to save.
(function () {
  var grid = document.getElementById("grid");
  if (!grid || !grid.hasAttribute("data-autosave")) {
    return;
  }
  document.documentElement.classList.add("js");
  var token = grid.querySelector("input[name=_csrf]");
  var progress = document.getElementById("grid-progress");
  function count() {
    var n = 0;
    var sets = grid.querySelectorAll("fieldset[data-criterion]");
    for (var i = 0; i < sets.length; i++) {
      if (sets[i].querySelector("input[type=radio]:checked") && sets[i].getAttribute("data-saved") !== "0") {
        n++;
      }
    }
    if (progress) {
      var total = parseInt(progress.getAttribute("data-total"), 10);
      document.getElementById("grid-count").textContent = n;
      document.getElementById("grid-state").textContent = n === total ? "grille complète, à remettre." : "grille en cours, non remise.";
    }
    return n;
  }
  function save(set) {
    var code = set.getAttribute("data-criterion");
    var verdict = set.querySelector("input[type=radio]:checked");
    var status = document.getElementById("s-" + code);
    if (!verdict) {
      return;
    }
    var body = { criterion: code, verdict: verdict.value, comment: set.querySelector("textarea").value };
    status.textContent = "Enregistrement…";
    fetch(grid.getAttribute("data-autosave"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token ? token.value : "" },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) {
        if (res.ok) {
          set.setAttribute("data-saved", "1");
          var n = count();
          status.textContent = "Enregistré — " + n + " / " + progress.getAttribute("data-total") + " critères.";
        } else {
          set.setAttribute("data-saved", "0");
          count();
          status.textContent = "Non enregistré : " + (data.detail || data.error || res.status);
        }
      });
    }).catch(function () {
      set.setAttribute("data-saved", "0");
      count();
      status.textContent = "Hors ligne : ce critère n'est pas enregistré. Utilisez le bouton « Enregistrer ».";
      document.documentElement.classList.remove("js");
    });
  }
  var timers = {};
  function fieldsetOf(el) {
    return el.closest ? el.closest("fieldset[data-criterion]") : null;
  }
  grid.addEventListener("change", function (ev) {
    var set = fieldsetOf(ev.target);
    if (set && ev.target.type === "radio") {
      save(set);
    }
  });
  grid.addEventListener("input", function (ev) {
    var set = fieldsetOf(ev.target);
    if (set && ev.target.tagName === "TEXTAREA") {
      var code = set.getAttribute("data-criterion");
      clearTimeout(timers[code]);
      timers[code] = setTimeout(function () { save(set); }, 800);
    }
  });
})();

// Commune of birth: as the person types a name or a postal code, the
// official communes that match fill the field's list (a native datalist,
// read by screen readers); the status says how many. Without JavaScript
// the page offers the matches after « Enregistrer ».
(function () {
  var field = document.getElementById("birth_place");
  if (!field || !field.hasAttribute("data-search") || !window.fetch) {
    return;
  }
  var list = document.getElementById(field.getAttribute("list"));
  var status = document.getElementById("birth_place-status");
  var timer = null;
  var asked = "";
  function fill(q) {
    asked = q;
    fetch(field.getAttribute("data-search") + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : { communes: [] }; })
      .then(function (data) {
        if (q !== asked) {
          return; // an older answer arriving late
        }
        list.textContent = "";
        data.communes.forEach(function (c) {
          var o = document.createElement("option");
          o.value = c.choix;
          o.label = c.libelle;
          list.appendChild(o);
        });
        var n = data.communes.length;
        status.textContent = n === 0 ? "Aucune commune ne correspond." : n === 1 ? "1 commune proposée dans la liste." : n + " communes proposées dans la liste.";
      })
      .catch(function () { status.textContent = ""; });
  }
  field.addEventListener("input", function () {
    var q = field.value.trim();
    clearTimeout(timer);
    if (q.length < 2 || /^99/.test(q) || /\(\w{5}\)$/.test(q)) {
      return; // too short, a country code, or a commune already chosen
    }
    timer = setTimeout(function () { fill(q); }, 250);
  });
})();
