// The cluster change form: a map beside the coordinates; dragging the pin sets them.
(function () {
  "use strict";
  var element = document.getElementById("admin-location-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!element || !latitude || !longitude || !window.CseiMap) {
    return;
  }
  // Under the coordinates, in the Location section.
  latitude.closest(".form-row").after(element);
  element.hidden = false;
  var map = window.CseiMap.create(element).setView([50, 10], 3);
  var pin = L.marker([50, 10], {
    draggable: true,
    title: "Drag to set the coordinates",
    alt: "The cluster's place",
    icon: L.divIcon({ className: "map-pin", iconSize: [20, 20] }),
  });

  function show() {
    var lat = parseFloat(latitude.value);
    var lng = parseFloat(longitude.value);
    if (isNaN(lat) || isNaN(lng)) {
      return;
    }
    pin.setLatLng([lat, lng]).addTo(map);
    map.setView([lat, lng], Math.max(map.getZoom(), 7));
  }

  pin.on("dragend", function () {
    var point = pin.getLatLng();
    latitude.value = point.lat.toFixed(5);
    longitude.value = point.lng.toFixed(5);
  });
  map.on("click", function (event) {
    latitude.value = event.latlng.lat.toFixed(5);
    longitude.value = event.latlng.lng.toFixed(5);
    show();
  });
  latitude.addEventListener("change", show);
  longitude.addEventListener("change", show);
  show();
})();
