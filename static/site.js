/* Remember the language a reader picks with the switcher, so the site root opens it next time. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-lang]");
  if (link) {
    try { localStorage.setItem("lang", link.getAttribute("data-lang")); } catch (e) { /* private mode */ }
  }
});

/* Code blocks: a Copy button, only where JavaScript and the clipboard are available (its words are on the <pre>). */
if (navigator.clipboard) {
  document.querySelectorAll("pre[data-copy]").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.setAttribute("aria-live", "polite");
    button.textContent = pre.getAttribute("data-copy");
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      navigator.clipboard.writeText(code.innerText).then(function () {
        button.textContent = pre.getAttribute("data-copied");
        setTimeout(function () { button.textContent = pre.getAttribute("data-copy"); }, 2000);
      });
    });
    pre.parentNode.insertBefore(button, pre);
  });
}

/* On a phone the menu is one row that scrolls sideways: keep the current page's tab and the focused one in view. */
(function () {
  function reveal(link) {
    var row = link && link.closest(".site-nav ul");
    if (!row || row.scrollWidth <= row.clientWidth) return;
    var left = link.offsetLeft - row.offsetLeft, right = left + link.offsetWidth;
    if (left < row.scrollLeft) row.scrollLeft = left;
    else if (right > row.scrollLeft + row.clientWidth) row.scrollLeft = right - row.clientWidth;
  }
  reveal(document.querySelector(".site-nav a[aria-current]"));
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".site-nav")) reveal(event.target);
  });
})();

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
