/* Remember the language a reader picks with the switcher, so the site root opens it next time. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-lang]");
  if (link) {
    try { localStorage.setItem("lang", link.getAttribute("data-lang")); } catch (e) { /* private mode */ }
  }
});

/* Search: static/search.js, and through it Pagefind's index, load only when a reader focuses a search box
   (or opens the search page with a query), so pages pay nothing for search before it is used. */
(function () {
  var box = document.querySelector("form[data-search]");
  if (!box) return;
  function load() {
    if (box.hasAttribute("data-loading")) return;
    box.setAttribute("data-loading", "");
    var script = document.createElement("script");
    script.src = box.getAttribute("data-search");
    document.head.appendChild(script);
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest("form[data-search], form[data-search-page]")) load();
  });
  if (document.querySelector("form[data-search-page]") && /[?&]q=/.test(location.search)) load();
})();
