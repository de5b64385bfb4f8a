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
  var CANDIDATES = 30;  // hits of each Chinese search weighed against the query as typed
  var CJK_STOP = /([\u2e80-\u9fff\uff00-\uffef](?:<\/mark>)?)\. /g;

  /* A large language's index comes in shards (pagefind/shards.json lists them per language): Pagefind merges
     them into the first, sharing its WebAssembly. Without the list (an older bundle) the first one serves alone. */
  function shardsOf(lang) {
    // revalidated like Pagefind's own entry file: a list cached from before a publish could name shards now gone
    var list = new URL(words.bundle + "shards.json", document.baseURI).href;
    return fetch(list, { cache: "no-cache" }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (shards) {
      return Array.isArray(shards[lang]) ? shards[lang] : [];
    }, function () { return []; });
  }

  function loadPagefind() {
    if (!pagefind) {
      var options = { baseUrl: words.base, excerptLength: 24 };
      var shards = shardsOf(document.documentElement.lang.toLowerCase());
      pagefind = import(words.bundle + "pagefind.js").then(function (module) {
        return module.options(options).then(function () {
          return module.init();
        }).then(function () {
          return shards;
        }).then(function (folders) {
          return Promise.all(folders.map(function (folder) {
            var path = new URL(words.bundle + folder, document.baseURI).href;
            return module.mergeIndex(path, options);
          }));
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

  /* Chinese queries. Pagefind splits a query with the browser's word segmenter and matches each piece against
     the start of an indexed word, but it indexed the pages with another segmenter (jieba). Where the browser does
     not know a word it falls back to single characters (插件 -> 插, 件), and 件 then has to start a word of its
     own, so pages about 插件 go missing while pages with 插入 and 文件 turn up. The first character of such a run
     (插) does find the indexed word by its start. So such a query is also searched in that looser form, and the
     hits of both that contain the query's Chinese as typed are kept: those with it in their title first. */
  var HAN = /\p{Script=Han}+/gu;
  var ONE_HAN = /^\p{Script=Han}$/u;

  function loosened(query) {
    if (typeof Intl.Segmenter !== "function") return query;
    var pieces = [];
    var inRun = false;
    Array.from(new Intl.Segmenter(document.documentElement.lang, { granularity: "word" }).segment(query))
      .forEach(function (part) {
        var single = ONE_HAN.test(part.segment);
        if (single && inRun) return;  // a later character of a word the segmenter did not know
        inRun = single;
        pieces.push(part.segment);
      });
    return pieces.join(" ").replace(/\s+/g, " ").trim();
  }

  function containsAll(text, runs) {
    var plain = (text || "").replace(/[\u200b\s]/g, "");
    return runs.every(function (run) { return plain.indexOf(run) >= 0; });
  }

  /* Return {hits: the first `shown` hits' data, total}, or null when a newer search made this one moot. */
  async function find(pf, query, shown) {
    var found = await pf.debouncedSearch(query, {}, 120);
    if (found === null) return null;
    var runs = query.match(HAN);
    var loose = runs ? loosened(query) : query;
    if (loose === query) {
      var plain = await Promise.all(found.results.slice(0, shown).map(function (r) { return r.data(); }));
      return { hits: plain, total: found.results.length };
    }
    var extra = (await pf.search(loose)).results;
    var seen = new Set(found.results.map(function (r) { return r.id; }));
    var candidates = found.results.slice(0, CANDIDATES).concat(extra.slice(0, CANDIDATES).filter(function (r) {
      return !seen.has(r.id);
    }));
    var data = await Promise.all(candidates.map(function (r) { return r.data(); }));
    var weighed = candidates.map(function (r, i) {
      var hit = data[i];
      return { hit: hit, score: r.score || 0, literal: containsAll(hit.content, runs),
               title: containsAll(hit.meta && hit.meta.title, runs) };
    });
    var ranked = weighed.filter(function (c) { return c.literal; });
    if (!ranked.length) {  // nothing has it as typed (a typo?): show what Pagefind found after all
      var fallback = await Promise.all(found.results.slice(0, shown).map(function (r) { return r.data(); }));
      return { hits: fallback, total: found.results.length };
    }
    ranked.sort(function (a, b) { return (b.title - a.title) || (b.score - a.score); });
    return { hits: ranked.slice(0, shown).map(function (c) { return c.hit; }), total: ranked.length };
  }

  /* Run one search; `shown` is how many hits to show. Returns false when a newer search made this one moot. */
  async function run(query, shown, results) {
    var found;
    try {
      found = await find(await loadPagefind(), query, shown);
    } catch (error) {
      unavailable(results);
      return true;
    }
    if (found === null) return false;
    showHits(results, query, found.hits, found.total);
    return true;
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
