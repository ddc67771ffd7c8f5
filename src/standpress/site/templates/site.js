document.addEventListener("keydown", function (e) {
  var box = document.querySelector(".lb:target");
  if (!box) return;
  var sel = {Escape: ".lb-close", ArrowLeft: ".lb-prev", ArrowRight: ".lb-next"}[e.key];
  var a = sel && box.querySelector(sel);
  if (a && a.getAttribute("aria-disabled") !== "true") {
    e.preventDefault();
    location.replace(a.getAttribute("href"));
  }
});
/* sign-off (only in pages `standpress serve` sends): post the decision, then reload */
(function () {
  var forms = document.querySelectorAll("form.so-form");
  var by = document.getElementById("so-by");
  var words = document.getElementById("so-words");
  if (!forms.length || !by || !words) return;
  words = JSON.parse(words.textContent);
  try { by.value = localStorage.getItem("standpress-signoff-by") || ""; } catch (e) {}
  by.addEventListener("change", function () {
    try { localStorage.setItem("standpress-signoff-by", by.value.trim()); } catch (e) {}
  });
  Array.prototype.forEach.call(forms, function (form) {
    var msg = form.querySelector(".so-msg");
    form.addEventListener("input", function () { form.setAttribute("data-dirty", ""); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var decision = e.submitter ? e.submitter.value : "approved";
      var name = by.value.trim();
      if (!name) { msg.textContent = words.failed.replace("@", words.name); by.focus(); return; }
      try { localStorage.setItem("standpress-signoff-by", name); } catch (err) {}
      msg.textContent = words.sending;
      var buttons = form.querySelectorAll("button");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      fetch("/__standpress/signoff", {
        method: "POST", cache: "no-store",
        headers: {"Content-Type": "application/json", "X-Standpress": "signoff"},
        body: JSON.stringify({file: form.getAttribute("data-file"),
                              sha256: form.getAttribute("data-sha256"), decision: decision,
                              by: name, note: form.elements.note.value})
      }).then(function (r) {
        return r.json().then(function (j) { return {ok: r.ok, body: j}; });
      }).then(function (res) {
        if (res.ok) {
          msg.textContent = words.saved; form.removeAttribute("data-dirty");
          location.reload();
        } else {
          msg.textContent = words.failed.replace("@", res.body.error || "?");
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        }
      }, function () {
        msg.textContent = words.offline;
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    });
  });
})();
