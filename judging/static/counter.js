// Character counters for fields with a length limit (templates/_form.html): "1 234 / 3 000 characters", in red
// past the limit. The browser never cuts the text; the server refuses a text too long beside the field.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var format = new Intl.NumberFormat(lang);
  function words(n, limit) {
    return lang === "fr"
      ? format.format(n) + " / " + format.format(limit) + " caractères"
      : format.format(n) + " / " + format.format(limit) + " characters";
  }
  document.querySelectorAll("small.counter[data-for]").forEach(function (counter) {
    var input = document.getElementById(counter.dataset.for);
    if (!input) return;
    var limit = parseInt(input.dataset.limit, 10);
    function update() {
      var n = input.value.length;
      var show = counter.dataset.always === "yes" || n >= 0.8 * limit;
      counter.hidden = !show;
      counter.textContent = words(n, limit);
      counter.classList.toggle("over", n > limit);
    }
    input.addEventListener("input", update);
    update();
  });
})();
