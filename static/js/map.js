// What every map of the site shares: the ground (country outlines from Natural Earth, or a
// tile server's tiles when one is configured), markers that show how exactly a cluster is
// placed, popups a keyboard can reach, and the small maps of the home and cluster pages.
// The map page itself is drawn by cluster-map.js with these.
(function () {
  "use strict";
  // The page's language: Django's JavaScript catalogue (jsi18n/) defines these; without it,
  // the English.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  if (!window.L) {
    return;
  }

  // Without tiles the outlines are simplified for Europe: closer than this shows nothing new.
  var PLAIN_MAX_ZOOM = 12;
  var NATURAL_EARTH =
    interpolate(gettext('Made with %(link)s'), { link: '<a href="https://www.naturalearthdata.com/">Natural Earth</a>' }, true);
  // Markers grow as their placing gets vaguer; their shapes are in site.css.
  var MARKER_SIZES = { city: 16, region: 20, country: 24 };
  var PLACED = {
    city: "",
    region: gettext("placed at its region: the exact place is not known"),
    country: gettext("placed in the middle of its country: the town is not known"),
  };

  // A Leaflet map in `element`, on the ground its data attributes ask for. `options` are
  // Leaflet's, and `highlight`: the ISO codes of countries drawn a shade darker.
  function create(element, options) {
    var tileUrl = element.getAttribute("data-tile-url");
    options = Object.assign(
      { scrollWheelZoom: false, maxZoom: tileUrl ? 18 : PLAIN_MAX_ZOOM, highlight: [] },
      options
    );
    var map = L.map(element, options);
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 18,
        attribution: element.getAttribute("data-tile-attribution") || "",
      }).addTo(map);
    } else {
      element.classList.add("map--plain");
      drawCountries(map, element.getAttribute("data-basemap-url"), options.highlight);
    }
    closeOnEscape(map);
    return map;
  }

  function drawCountries(map, url, highlight) {
    map.attributionControl.addAttribution(NATURAL_EARTH);
    fetch(url)
      .then(function (response) {
        if (!response.ok) {
          throw new Error(interpolate(gettext("The country outlines could not be loaded (%(status)s)."), { status: response.status }, true));
        }
        return response.json();
      })
      .then(function (countries) {
        L.geoJSON(countries, {
          interactive: false,
          className: "map-country",
          onEachFeature: function (feature, layer) {
            if (highlight.indexOf(feature.id) !== -1) {
              layer.options.className += " map-country--highlight";
            }
          },
        }).addTo(map);
      })
      .catch(function (error) {
        map.fire("maperror", { message: error.message });
      });
  }

  // Escape closes a popup wherever the focus is in the map: Leaflet listens only while the
  // map itself has the focus. The focus goes back to the marker (focusPopup), or to the map
  // rather than to the top of the page.
  function closeOnEscape(map) {
    var container = map.getContainer();
    container.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !container.querySelector(".leaflet-popup")) {
        return;
      }
      map.closePopup();
      event.stopPropagation();
      var focused = document.activeElement;
      if (!container.contains(focused) || focused.closest(".leaflet-popup")) {
        container.focus({ preventScroll: true });
      }
    });
  }

  function textElement(tag, text, className) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (className) {
      element.className = className;
    }
    return element;
  }

  // The marker of one cluster (a GeoJSON feature of /api/clusters.geojson): its shape says
  // how exactly it is placed, and its popup says the rest.
  function clusterMarker(feature, latlng) {
    var properties = feature.properties;
    var placed = PLACED[properties.precision] || "";
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = properties.name + (placed ? " (" + placed + ")" : "");
    if (properties.stale) {
      label.textContent += " (" + gettext("not verified for eighteen months") + ")";
    }
    var marker = L.marker(latlng, {
      icon: markerIcon(properties.precision, label, properties.stale),
      title: properties.name,
      riseOnHover: true,
    });
    marker.bindPopup(function () {
      return popup(properties, placed);
    });
    focusPopup(marker);
    return marker;
  }

  function markerIcon(precision, label, stale) {
    var size = MARKER_SIZES[precision] || MARKER_SIZES.city;
    return L.divIcon({
      className: "map-marker map-marker--" + precision + (stale ? " map-marker--stale" : ""),
      html: label || "",
      iconSize: [size, size],
    });
  }

  function popup(properties, placed) {
    var wrapper = document.createElement("div");
    wrapper.className = "map-popup";
    var name = document.createElement("p");
    name.className = "map-popup__name";
    var link = textElement("a", properties.name);
    link.href = properties.url;
    name.appendChild(link);
    wrapper.appendChild(name);
    if (properties.place) {
      wrapper.appendChild(textElement("p", properties.place));
    }
    if (placed) {
      wrapper.appendChild(
        textElement("p", placed.charAt(0).toUpperCase() + placed.slice(1) + ".", "map-popup__placed")
      );
    }
    var facts = [];
    if (properties.model) {
      facts.push(properties.model);
    }
    if (properties.eccp === "yes") {
      facts.push(gettext("Registered on the ECCP"));
    } else if (properties.eccp === "no") {
      facts.push(gettext("Not registered on the ECCP"));
    }
    if (properties.members) {
      facts.push(interpolate(ngettext("%(count)s member", "%(count)s members", properties.members), { count: properties.members.toLocaleString(document.documentElement.lang) }, true));
    }
    if (properties.stale) {
      facts.push(gettext("Not verified for eighteen months"));
    }
    if (facts.length) {
      var list = document.createElement("ul");
      facts.forEach(function (fact) {
        list.appendChild(textElement("li", fact));
      });
      wrapper.appendChild(list);
    }
    return wrapper;
  }

  // A popup takes the focus when it opens, so that a keyboard is in it; when it closes
  // (Escape, its close button, another marker), the focus goes back to its marker.
  function focusPopup(layer) {
    layer.on("popupopen", function (event) {
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (link) {
        link.focus({ preventScroll: true });
      }
    });
    layer.on("popupclose", function (event) {
      // The popup fades out before it goes: the focus may still be in it.
      var popup = event.popup.getElement();
      var lost = document.activeElement === document.body || popup.contains(document.activeElement);
      var icon = layer.getElement();
      if (icon && lost) {
        icon.focus({ preventScroll: true });
      }
    });
  }

  // A round marker with a number: several clusters, or a country's count. It grows with
  // the number's digits; a "map-count--small" one less.
  function countIcon(count, label, className) {
    var digits = String(count).length;
    var html = document.createElement("span");
    html.appendChild(textElement("span", count.toLocaleString("en"), "map-count__number"));
    html.firstChild.setAttribute("aria-hidden", "true");
    if (label) {
      html.appendChild(textElement("span", label, "visually-hidden"));
    }
    var size = (className === "map-count--small" ? 18 : 28) + 5 * Math.min(digits, 6);
    return L.divIcon({
      className: "map-count" + (className ? " " + className : ""),
      html: html,
      iconSize: [size, size],
    });
  }

  // The small map of a cluster page: one marker, drawn as on the map page.
  function clusterPageMap(element) {
    var latlng = [
      parseFloat(element.getAttribute("data-latitude")),
      parseFloat(element.getAttribute("data-longitude")),
    ];
    var precision = element.getAttribute("data-precision");
    // Without tiles there is nothing to see closer than the country around the marker.
    var zooms = element.getAttribute("data-tile-url")
      ? { city: 10, region: 8, country: 5 }
      : { city: 6, region: 5, country: 4 };
    var map = create(element, { highlight: [element.getAttribute("data-country")] });
    map.setView(latlng, zooms[precision] || zooms.country);
    L.marker(latlng, {
      icon: markerIcon(precision),
      interactive: false,
      keyboard: false,
    }).addTo(map);
  }

  // The small map of the home page: the clusters of each country at its point, the same
  // numbers as the chart beside it, which holds the links for keyboards and screen readers.
  function countriesMap(element) {
    var data = JSON.parse(element.getAttribute("data-countries"));
    var map = create(element, {
      keyboard: false,
      // Finer steps frame Europe closer in a small box.
      zoomSnap: 0.25,
      highlight: data.map(function (country) {
        return country.code;
      }),
    });
    var bounds = [];
    data.forEach(function (country) {
      var latlng = [country.latitude, country.longitude];
      bounds.push(latlng);
      var icon = countIcon(country.count, "", "map-count--small");
      L.marker(latlng, { icon: icon, keyboard: false, title: country.name + ": " + country.count })
        .on("click", function () {
          window.location.assign(country.url);
        })
        .addTo(map);
    });
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 5 });
  }

  window.CseiMap = {
    create: create,
    clusterMarker: clusterMarker,
    countIcon: countIcon,
  };

  document.querySelectorAll("[data-map]").forEach(function (element) {
    // Hidden until drawn: without JavaScript there is no map to show.
    element.closest(".small-map").hidden = false;
    if (element.getAttribute("data-map") === "cluster") {
      clusterPageMap(element);
    } else if (element.getAttribute("data-map") === "countries") {
      countriesMap(element);
    }
  });
})();
