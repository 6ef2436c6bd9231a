// Progressive enhancement of the public forms; each works without this file.
(function () {
  "use strict";
  // The page's language: Django's JavaScript catalogue (jsi18n/) defines these; without it,
  // the English.
  var gettext = window.gettext || function (text) { return text; };
  
  // A form sent back with errors: the summary at the top takes the focus, so that a
  // screen reader reads it and a keyboard user starts from it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  document.querySelectorAll("[data-without-script]").forEach(function (element) {
    element.hidden = true;
  });

  // Member rows: "Add another member" copies the blank row the page carries.
  var rows = document.querySelector("[data-member-rows]");
  var template = document.getElementById("member-row-template");
  var addButton = document.querySelector("[data-add-member]");
  if (rows && template && addButton) {
    var total = document.querySelector('input[name="members-TOTAL_FORMS"]');
    var maximum = parseInt(document.querySelector('input[name="members-MAX_NUM_FORMS"]').value, 10);
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= maximum) {
        return;
      }
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      rows.lastElementChild.querySelector("input").focus();
      addButton.hidden = index + 1 >= maximum;
    });
  }

  // The pin: where the place typed is, and the person may drag it to the exact spot.
  var pinMap = document.querySelector("[data-pin-map]");
  if (pinMap && window.CseiMap) {
    var form = pinMap.closest("form");
    var latitude = form.querySelector('input[name="latitude"]');
    var longitude = form.querySelector('input[name="longitude"]');
    var status = pinMap.querySelector("[data-pin-status]");
    pinMap.hidden = false;
    var map = window.CseiMap.create(pinMap.querySelector(".pin-map__map")).setView([50, 10], 3);
    var pin = null;
    // Only a pin the person dragged stays where it is when the place fields change.
    var placedByHand = false;

    function put(lat, lng, zoom) {
      if (!pin) {
        // An HTML pin, as on the cluster map: no image files for Leaflet to look for.
        pin = L.marker([lat, lng], {
          draggable: true,
          title: gettext("The cluster's place"),
          alt: gettext("The cluster's place"),
          icon: L.divIcon({ className: "map-marker map-marker--city map-pin", iconSize: [22, 22] }),
        }).addTo(map);
        pin.on("dragend", function () {
          var point = pin.getLatLng();
          latitude.value = point.lat.toFixed(5);
          longitude.value = point.lng.toFixed(5);
          placedByHand = true;
          status.textContent = gettext("Pin placed by you.");
        });
      } else {
        pin.setLatLng([lat, lng]);
      }
      // No animation: the pin must be where it is drawn the moment a person grabs it.
      map.setView([lat, lng], zoom, { animate: false });
    }

    // Answers can come back out of order: only the one for the last change counts.
    var lastAsked = 0;

    function locate() {
      if (placedByHand) {
        return;
      }
      var asked = ++lastAsked;
      var query = new URLSearchParams({
        country: form.querySelector('[name="country"]').value,
        region: form.querySelector('[name="region"]').value,
        city: form.querySelector('[name="city"]').value,
      });
      if (!query.get("country")) {
        return;
      }
      fetch(pinMap.getAttribute("data-locate-url") + "?" + query.toString())
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (place) {
          if (asked !== lastAsked) {
            return;
          }
          if (!place || place.latitude === null) {
            status.textContent = gettext("We could not find this place: the cluster will be shown at the level of its country unless you place the pin.");
            return;
          }
          put(place.latitude, place.longitude, place.precision === "city" ? 9 : 7);
          status.textContent =
            place.precision === "city" ? gettext("Pin placed at the city.") : gettext("Pin placed in the region.");
        })
        .catch(function () {
          status.textContent = "";
        });
    }

    if (latitude.value && longitude.value) {
      put(parseFloat(latitude.value), parseFloat(longitude.value), 9);
      status.textContent = gettext("The pin is where the directory places the cluster now.");
    } else {
      locate();
    }
    ["country", "region", "city"].forEach(function (name) {
      form.querySelector('[name="' + name + '"]').addEventListener("change", locate);
    });
  }

  // Cluster names suggested as the person types, in the field's own list of choices.
  var names = document.getElementById("cluster-names");
  if (names) {
    var field = document.querySelector('input[list="cluster-names"]');
    var timer = null;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (field.value.trim().length < 2) {
          return;
        }
        fetch(names.getAttribute("data-names-url") + "?" + new URLSearchParams({ q: field.value }))
          .then(function (response) {
            return response.json();
          })
          .then(function (data) {
            names.replaceChildren.apply(
              names,
              data.clusters.map(function (cluster) {
                var option = document.createElement("option");
                option.value = cluster.name;
                return option;
              })
            );
          });
      }, 200);
    });
  }

  // A correction: the current value of the information chosen, beside the proposed one.
  var chosen = document.querySelector('select[name="field"]');
  var current = document.querySelector("[data-current-value]");
  if (chosen && current) {
    var show = function () {
      var value = document.querySelector('[data-current-values] [data-field="' + chosen.value + '"]');
      current.hidden = !value;
      current.textContent = value ? gettext("The page says now:") + " " + value.textContent : "";
    };
    chosen.addEventListener("change", show);
    show();
  }
})();
