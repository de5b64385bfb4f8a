/* Search as you type, with Pagefind's JS API (pagefind/pagefind.js and the index of the page's <html lang>).
   static/site.js loads this file the first time a reader focuses a search box, so no page pays for search before
   it is used. The header's box shows the first hits under it; the search page shows them all for ?q=.
   Words come from the form's data-t-* attributes (content/strings/); excerpts are Pagefind's, already escaped. */
(function () {
  "use strict";
  var box = document.querySelector("form[data-search]");
  if (!box || box.searchReady) return;
  box.searchReady = true;
  var words = box.dataset;
  var searchPage = document.querySelector("form[data-search-page]");
  var pagefind = null;
  var HITS_IN_BOX = 5;
  var HITS_ON_PAGE = 50;
  var CJK_STOP = /([\u2e80-\u9fff\uff00-\uffef](?:<\/mark>)?)\. /g;

  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(words.bundle + "pagefind.js").then(function (module) {
        return module.options({ baseUrl: words.base, excerptLength: 24 }).then(function () {
          return module.init();
        }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  function say(template, query, count) {
    return template.replace("{query}", query).replace("{count}", String(count));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* A results area: a live status line, the list of hits and (in the box) a link to the search page. */
  function makeResults(container, more) {
    if (!more) {  // the search page's results are a landmark; the box's panel lives inside the search landmark
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", words.tResults);
    }
    var status = element("p", "search-status");
    status.setAttribute("role", "status");
    var list = element("ol", "search-hits");
    container.append(status, list);
    if (more) container.append(more);
    return { container: container, status: status, list: list };
  }

  function showHits(results, query, hits, total) {
    results.list.replaceChildren();
    results.status.textContent = total === 0 ? say(words.tNone, query, 0)
      : say(total === 1 ? words.tOne : words.tMany, query, total);
    hits.forEach(function (hit) {
      var item = element("li");
      var link = element("a", "", hit.meta && hit.meta.title ? hit.meta.title : hit.url);
      link.href = hit.url;
      var excerpt = element("p", "search-excerpt");
      // Pagefind escapes the page text and adds only <mark> elements. It separates Chinese words with zero-width
      // spaces (a copied excerpt should not carry them) and ends headings with ". ", which after Chinese reads as
      // a stray full stop: there it becomes "。".
      excerpt.innerHTML = hit.excerpt.replace(/\u200b/g, "").replace(CJK_STOP, "$1\u3002");
      item.append(link, excerpt);
      results.list.append(item);
    });
  }

  function unavailable(results) {
    results.list.replaceChildren();
    results.status.textContent = words.tUnavailable;
  }

  /* Run one search; `shown` is how many hits to load. Returns false when a newer search made this one moot. */
  function run(query, shown, results) {
    return loadPagefind().then(function (pf) {
      return pf.debouncedSearch(query, {}, 120);
    }).then(function (found) {
      if (found === null) return false;
      return Promise.all(found.results.slice(0, shown).map(function (r) { return r.data(); })).then(function (hits) {
        showHits(results, query, hits, found.results.length);
        return true;
      });
    }).catch(function () { unavailable(results); return true; });
  }

  /* The header's box: hits appear under it as you type; arrows move through them, Escape closes them. */
  var input = box.querySelector("input[type=search]");
  var panel = element("div", "search-panel");
  panel.id = "search-panel";
  panel.hidden = true;
  var allLink = element("a", "", words.tAll);
  var more = element("p", "search-more");
  more.append(allLink);
  var boxResults = makeResults(panel, more);
  box.append(panel);
  input.setAttribute("aria-controls", panel.id);
  loadPagefind().catch(function () {});

  function closePanel(focusInput) {
    panel.hidden = true;
    if (focusInput) input.focus();
  }

  function update() {
    var query = input.value.trim();
    if (!query) { closePanel(false); return; }
    allLink.href = box.action + "?q=" + encodeURIComponent(query);
    run(query, HITS_IN_BOX, boxResults).then(function (done) {
      if (done && input.value.trim() === query) panel.hidden = false;
    });
  }

  function links() {
    return Array.prototype.slice.call(panel.querySelectorAll("a"));
  }

  input.addEventListener("input", update);
  input.addEventListener("focus", function () { if (input.value.trim() && panel.hidden) update(); });
  box.addEventListener("keydown", function (event) {
    if (panel.hidden) return;
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel(true);
    } else if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else all[at - 1].focus();
    }
  });
  box.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !box.contains(event.relatedTarget)) closePanel(false);
  });
  if (document.activeElement === input && input.value.trim()) update();

  /* The search page: every hit for ?q=, above the list of every page; the address follows the query. */
  if (searchPage) {
    var pageInput = searchPage.querySelector("input[type=search]");
    var area = document.querySelector("[data-search-results]");
    var pageResults = makeResults(area, null);
    var searchFor = function () {
      var query = pageInput.value.trim();
      history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
      if (!query) { area.hidden = true; return; }
      run(query, HITS_ON_PAGE, pageResults).then(function (done) { if (done) area.hidden = false; });
    };
    searchPage.addEventListener("submit", function (event) { event.preventDefault(); searchFor(); });
    pageInput.addEventListener("input", searchFor);
    var asked = new URLSearchParams(location.search).get("q");
    if (asked) {
      pageInput.value = asked;
      searchFor();
    }
  }
})();
