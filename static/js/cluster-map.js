// The map page: the filtered clusters on the map, redrawn when the filters change.
//
// Up to data-grid-above clusters, the map loads every one (/api/clusters.geojson) and
// groups near ones itself. Above that, it asks the server for the clusters of the view,
// gathered on a grid (/api/clusters/grid.geojson), again each time the view moves, so
// that it never holds more than a few thousand markers. Without JavaScript the page keeps
// its list by country.
(function () {
  "use strict";
  // The page's language: Django's JavaScript catalogue (jsi18n/) defines these; without it,
  // the English.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  var element = document.getElementById("cluster-map");
  if (!element || !window.CseiMap || !window.fetch) {
    return;
  }
  document.getElementById("map-frame").hidden = false;
  var note = document.getElementById("map-note");
  var gridAbove = parseInt(element.getAttribute("data-grid-above"), 10);
  // How close a fit to the clusters may come: without tiles, enough to see the country.
  var closest = element.getAttribute("data-tile-url") ? 9 : 6;
  var map = CseiMap.create(element).setView([50, 10], 4);
  var layer = null;
  var mode = null;
  var query = "";
  var request = null;
  // The view the grid on the map was made for: a view inside it needs no new one.
  var gridView = null;
  // A map may be asked for a box (data-bbox: west,south,east,north, the filters' bbox): it
  // frames that, not the extent of the clusters, and asks only for the clusters inside it.
  var asked = (element.getAttribute("data-bbox") || "").split(",").map(Number);
  var askedView =
    asked.length === 4 ? L.latLngBounds([asked[1], asked[0]], [asked[3], asked[2]]) : null;

  map.on("maperror", function (event) {
    say(event.message);
  });

  function severalClusters(count) {
    return interpolate(gettext("%(count)s clusters: select to zoom in"), { count: count.toLocaleString(document.documentElement.lang) }, true);
  }

  function say(message) {
    note.textContent = message ? message + " " + gettext("The list below the map names every country.") : "";
  }

  // The filters as the page understood them, and how many clusters the map places.
  function listing() {
    var summary = document.querySelector('[data-listing-part="map-summary"]');
    return {
      query: summary.getAttribute("data-query"),
      placed: parseInt(summary.getAttribute("data-placed"), 10),
    };
  }

  // The address in the element's `attribute`, with the filters and `more` parameters, in
  // the page's language: the popups' words and links follow it.
  function address(attribute, more) {
    var parameters = new URLSearchParams(query);
    parameters.set("language", document.documentElement.lang);
    Object.keys(more).forEach(function (name) {
      parameters.set(name, more[name]);
    });
    return element.getAttribute(attribute) + "?" + parameters.toString();
  }

  function load(url) {
    if (request) {
      request.abort();
    }
    request = new AbortController();
    return fetch(url, { signal: request.signal, headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(interpolate(gettext("The map data could not be loaded (%(status)s)."), { status: response.status }, true));
        }
        return response.json();
      });
  }

  function failed(error) {
    if (error.name !== "AbortError") {
      say(error.message || String(error));
    }
  }

  function show(newLayer) {
    if (layer) {
      map.removeLayer(layer);
    }
    layer = newLayer.addTo(map);
    say("");
  }

  // Every cluster, grouped by the browser where they crowd, and framed.
  function drawAll() {
    load(address("data-points-url", {}))
      .then(function (data) {
        var markers = L.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 50,
          iconCreateFunction: function (group) {
            var count = group.getChildCount();
            return CseiMap.countIcon(count, severalClusters(count));
          },
        });
        // Enter on a group does what a click does (markercluster answers clicks only).
        markers.on("clusterkeypress", function (event) {
          if (event.originalEvent.keyCode === 13) {
            event.layer.fire("click", { originalEvent: event.originalEvent }, true);
          }
        });
        markers.addLayers(L.geoJSON(data, { pointToLayer: CseiMap.clusterMarker }).getLayers());
        show(markers);
        if (askedView) {
          map.fitBounds(askedView, { animate: false });
        } else if (data.features.length) {
          map.fitBounds(markers.getBounds(), { padding: [24, 24], maxZoom: closest, animate: false });
        }
      })
      .catch(failed);
  }

  // The clusters on the server's grid: first a coarse grid of the whole world, whose
  // `bbox` says where they are, to frame them; then the grid of that view.
  function drawGrid() {
    gridView = null;
    if (askedView) {
      map.fitBounds(askedView, { animate: false });
      drawGridOfView();
      return;
    }
    load(address("data-grid-url", { zoom: 2 }))
      .then(function (data) {
        drawCells(data);
        if (data.bbox) {
          var extent = data.bbox;
          map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], {
            padding: [24, 24],
            maxZoom: closest,
            animate: false,
          });
        }
        drawGridOfView();
      })
      .catch(failed);
  }

  function drawGridOfView() {
    var view = map.getBounds();
    var zoom = map.getZoom();
    if (gridView && gridView.zoom === zoom && gridView.bounds.contains(view)) {
      return;
    }
    // Half a view more on each side, so that a small move needs no new grid.
    var wider = view.pad(0.5);
    // Inside the box asked for, if any: the grid's box is also the filters' bbox.
    var edges = askedView || L.latLngBounds([-90, -180], [90, 180]);
    var bbox = [
      Math.max(wider.getWest(), edges.getWest()),
      Math.max(wider.getSouth(), edges.getSouth()),
      Math.min(wider.getEast(), edges.getEast()),
      Math.min(wider.getNorth(), edges.getNorth()),
    ];
    // Set at once, so that the same view asked again while this loads asks nothing.
    gridView = { zoom: zoom, bounds: wider };
    if (bbox[0] >= bbox[2] || bbox[1] >= bbox[3]) {
      // Moved away from the box: nothing to show there.
      show(L.layerGroup());
      return;
    }
    bbox = bbox.map(function (degrees) {
      return degrees.toFixed(3);
    });
    load(address("data-grid-url", { zoom: zoom, bbox: bbox.join(",") }))
      .then(drawCells)
      .catch(function (error) {
        gridView = null;
        failed(error);
      });
  }

  function drawCells(data) {
    var group = L.layerGroup();
    data.features.forEach(function (feature) {
      var coordinates = feature.geometry.coordinates;
      var latlng = L.latLng(coordinates[1], coordinates[0]);
      group.addLayer(
        feature.properties.count
          ? cellMarker(latlng, feature.properties)
          : CseiMap.clusterMarker(feature, latlng)
      );
    });
    show(group);
  }

  // Several clusters of one cell: a click or Enter zooms in; where no zoom can part them
  // (a country's clusters all at its point), a popup leads to them in the list.
  function cellMarker(latlng, properties) {
    var count = properties.count;
    var marker = L.marker(latlng, {
      icon: CseiMap.countIcon(count, severalClusters(count)),
      riseOnHover: true,
    });
    function open() {
      if (map.getZoom() < map.getMaxZoom()) {
        // This marker goes with the new grid: a keyboard stays in the map.
        element.focus({ preventScroll: true });
        map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
        return;
      }
      var filters = new URLSearchParams(query);
      if (properties.country) {
        filters.set("country", properties.country);
      }
      var content = document.createElement("p");
      var link = document.createElement("a");
      link.href = element.getAttribute("data-list-url") + "?" + filters.toString();
      link.textContent = interpolate(gettext("These %(count)s clusters in the list"), { count: count.toLocaleString(document.documentElement.lang) }, true);
      content.appendChild(link);
      L.popup().setLatLng(latlng).setContent(content).openOn(map);
      link.focus({ preventScroll: true });
    }
    marker.on("click", open);
    marker.on("keypress", function (event) {
      if (event.originalEvent.keyCode === 13) {
        open();
      }
    });
    return marker;
  }

  function draw() {
    var current = listing();
    query = current.query;
    mode = current.placed > gridAbove ? "grid" : "all";
    if (mode === "grid") {
      drawGrid();
    } else {
      drawAll();
    }
  }

  map.on("moveend", function () {
    if (mode === "grid") {
      drawGridOfView();
    }
  });
  document.addEventListener("listing:updated", draw);
  draw();
})();
