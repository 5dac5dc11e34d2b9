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
// evaluator loses nothing if the tab closes. Without JavaScript, each
// criterion has its own "Enregistrer" button.
(function () {
  var status = document.getElementById("autosave-status");
  function token(form) {
    var f = form.querySelector("input[name=_csrf]");
    return f ? f.value : "";
  }
  function save(form) {
    var verdict = form.querySelector("input[name=verdict]:checked");
    if (!verdict) {
      return;
    }
    var body = {
      criterion: form.querySelector("input[name=criterion]").value,
      verdict: verdict.value,
      comment: form.querySelector("textarea[name=comment]").value
    };
    if (status) {
      status.textContent = "Enregistrement…";
    }
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token(form) },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!status) {
          return;
        }
        if (res.ok) {
          status.textContent = "Critère " + body.criterion + " enregistré.";
        } else {
          status.textContent = "Non enregistré (" + body.criterion + ") : " + (data.error || res.status);
        }
      });
    }).catch(function () {
      if (status) {
        status.textContent = "Hors ligne : le critère " + body.criterion + " n'est pas enregistré. Utilisez le bouton « Enregistrer ».";
      }
    });
  }
  var timers = {};
  document.addEventListener("change", function (ev) {
    var form = ev.target.form;
    if (form && form.hasAttribute("data-autosave")) {
      save(form);
    }
  });
  document.addEventListener("input", function (ev) {
    var form = ev.target.form;
    if (form && form.hasAttribute("data-autosave") && ev.target.tagName === "TEXTAREA") {
      clearTimeout(timers[form.id]);
      timers[form.id] = setTimeout(function () { save(form); }, 800);
    }
  });
})();
