// Draws the filtered clusters on a Leaflet map. Without JavaScript the page keeps its
// list by country, which holds the same clusters.
(function () {
  "use strict";
  var element = document.getElementById("cluster-map");
  if (!element || !window.L) {
    return;
  }
  element.hidden = false;

  // Marker clustering needs a zoom limit even when no tile layer sets one.
  var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18 }).setView([50, 10], 4);
  var tileUrl = element.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      maxZoom: 18,
      attribution: element.getAttribute("data-tile-attribution") || "",
    }).addTo(map);
  } else {
    element.classList.add("cluster-map--plain");
    document.getElementById("map-note").hidden = false;
  }

  function popup(properties) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var place = document.createElement("p");
    place.textContent = [properties.city, properties.country_name].filter(Boolean).join(", ");
    wrapper.appendChild(link);
    wrapper.appendChild(place);
    return wrapper;
  }

  fetch(element.getAttribute("data-geojson-url"), { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("The map data could not be loaded (" + response.status + ").");
      }
      return response.json();
    })
    .then(function (data) {
      var markers = L.markerClusterGroup();
      L.geoJSON(data, {
        // An HTML pin: no image files to find, and focusable by keyboard like any marker.
        pointToLayer: function (feature, latlng) {
          return L.marker(latlng, {
            icon: L.divIcon({ className: "map-pin", iconSize: [18, 18] }),
            title: feature.properties.name,
            alt: feature.properties.name,
          });
        },
        onEachFeature: function (feature, layer) {
          layer.bindPopup(popup(feature.properties));
        },
      }).eachLayer(function (layer) {
        markers.addLayer(layer);
      });
      map.addLayer(markers);
      if (data.features.length) {
        map.fitBounds(markers.getBounds(), { padding: [24, 24], maxZoom: 8 });
      }
    })
    .catch(function (error) {
      var note = document.getElementById("map-note");
      note.textContent = (error.message || String(error)) + " The list below shows every cluster.";
      note.hidden = false;
    });
})();
