/* Remember the language a reader picks with the switcher, so the site root opens it next time. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-lang]");
  if (link) {
    try { localStorage.setItem("lang", link.getAttribute("data-lang")); } catch (e) { /* private mode */ }
  }
});
