// "Gunakan lokasi saya": fills latitude, longitude and the location precision of the report
// form from the device's position. The button shows only where the browser can locate.
(function () {
  "use strict";
  document.querySelectorAll("[data-geolocate]").forEach(function (box) {
    var button = box.querySelector("[data-geolocate-button]");
    var status = box.querySelector("[data-geolocate-status]");
    if (!button || !("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    function field(name) {
      return document.getElementById(box.dataset[name]);
    }
    button.addEventListener("click", function () {
      status.textContent = box.dataset.messageBusy;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          ["lat", "lon"].forEach(function (name) {
            var input = field(name);
            var value = name === "lat" ? position.coords.latitude : position.coords.longitude;
            input.value = value.toFixed(6);
            // Let other scripts (the on-device draft) see the change as if typed.
            input.dispatchEvent(new Event("input", { bubbles: true }));
          });
          var precision = field("precision");
          if (precision) {
            precision.value = "tepat";
            precision.dispatchEvent(new Event("change", { bubbles: true }));
          }
          status.textContent = box.dataset.messageDone;
          button.disabled = false;
        },
        function () {
          status.textContent = box.dataset.messageDenied;
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  });
})();
