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
