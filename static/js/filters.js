// Progressive enhancement of the cluster filters: the form works without this file.
//
// With it, a change to a filter fetches the same page for the new address and swaps in
// the parts marked data-listing-part, so the panel stays as it is (open on a phone), the
// changed control keeps the focus, the address follows (Back works) and a status line says
// how many clusters match. The map listens for "listing:updated" to redraw its markers.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-filters]");
  if (!form) {
    return;
  }

  // On a phone the filters start folded so that the results come first.
  var panel = form.closest("details[data-collapse-below]");
  if (panel && window.innerWidth < parseInt(panel.getAttribute("data-collapse-below"), 10)) {
    panel.open = false;
  }

  if (!window.fetch || !window.DOMParser || !window.history.pushState) {
    return;
  }
  document.querySelectorAll("[data-without-script]").forEach(function (element) {
    element.hidden = true;
  });
  var note = form.querySelector(".filters__live-note");
  if (note) {
    note.hidden = false;
  }
  var status = document.getElementById("listing-status");
  var current = null;

  function addressOfForm() {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      // Empty fields would only clutter the address that visitors share.
      if (value) {
        query.append(name, value);
      }
    });
    var text = query.toString();
    return form.getAttribute("action") + (text ? "?" + text : "");
  }

  // The focused control, described so that its twin in the new page can be found.
  function focusKey() {
    var active = document.activeElement;
    if (!active || !active.name) {
      return null;
    }
    if (active.type === "checkbox") {
      return '[name="' + CSS.escape(active.name) + '"][value="' + CSS.escape(active.value) + '"]';
    }
    return active.id ? "#" + CSS.escape(active.id) : null;
  }

  function load(address, remember) {
    if (current) {
      current.abort();
    }
    current = new AbortController();
    document.body.setAttribute("aria-busy", "true");
    fetch(address, { signal: current.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var key = focusKey();
        document.querySelectorAll("[data-listing-part]").forEach(function (part) {
          var name = part.getAttribute("data-listing-part");
          var fresh = page.querySelector('[data-listing-part="' + name + '"]');
          if (fresh) {
            part.replaceWith(document.importNode(fresh, true));
          }
        });
        document.querySelectorAll("[data-without-script]").forEach(function (element) {
          element.hidden = true;
        });
        if (key) {
          var twin = document.querySelector(key);
          if (twin) {
            twin.focus();
          }
        }
        if (remember) {
          window.history.pushState({ listing: true }, "", address);
        }
        document.title = page.title;
        // The feed the page announces follows the filters too.
        var feed = 'link[rel="alternate"][type="application/atom+xml"]';
        var announced = document.querySelector(feed);
        var freshFeed = page.querySelector(feed);
        if (announced && freshFeed) {
          announced.setAttribute("href", freshFeed.getAttribute("href"));
        }
        var count = document.querySelector(".results__count");
        if (status && count) {
          status.textContent = count.textContent.trim();
        }
        document.dispatchEvent(new CustomEvent("listing:updated", { detail: { address: address } }));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          // Whatever went wrong, a plain page load still shows the right clusters.
          window.location.assign(address);
        }
      })
      .finally(function () {
        document.body.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.form !== form || control.type === "search") {
      return;
    }
    if (control.tagName === "SELECT" || control.type === "checkbox") {
      load(addressOfForm(), true);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(addressOfForm(), true);
  });
  window.addEventListener("popstate", function () {
    var search = form.querySelector('input[name="q"]');
    if (search) {
      search.value = new URLSearchParams(window.location.search).get("q") || "";
    }
    load(window.location.pathname + window.location.search, false);
  });
})();
