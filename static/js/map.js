// The report map: markers from the data endpoint (same query string as the list), clustered,
// coloured by risk or status. No inline script or style: everything reads data-* attributes.
(function () {
  "use strict";
  var box = document.getElementById("portal-map");
  if (!box || typeof L === "undefined") {
    return;
  }
  var summary = document.getElementById("map-summary");
  var data = box.dataset;
  // Kabupaten Jombang's rough centre until markers are loaded; fitBounds replaces it. Neither
  // the fit nor the clusters animate: outlines and markers arrive in either order, and a marker
  // tapped while the map still glided or the clusters were still moving apart opened no popup
  // (about one time in four in the browser tests).
  var map = L.map(box, { scrollWheelZoom: false, zoomControl: false }).setView([-7.55, 112.23], 11);
  // Leaflet's own control titles are English: the zoom buttons and the attribution prefix speak
  // the page's language.
  L.control.zoom({ zoomInTitle: data.labelZoomIn, zoomOutTitle: data.labelZoomOut }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  // So is the popup's close button ("Close popup", read out by screen readers).
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", data.labelClose);
      close.title = data.labelClose;
    }
  });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
  }
  var OPEN = ["diajukan", "diverifikasi", "ditangani"];

  function colour(feature) {
    if (OPEN.indexOf(feature.status) === -1) {
      return "none";
    }
    if (feature.kind === "kejadian") {
      return "sangat_tinggi";
    }
    return feature.risk || "none";
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function popup(feature) {
    var root = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = feature.reference;
    root.appendChild(title);
    root.appendChild(document.createElement("br"));
    root.appendChild(document.createTextNode(feature.title));
    var meta = document.createElement("div");
    meta.className = "small text-body-secondary";
    meta.textContent = [feature.kecamatan, feature.status_label, feature.risk_label]
      .filter(Boolean)
      .join(" · ");
    root.appendChild(meta);
    if (feature.placed !== "tepat") {
      var approx = document.createElement("div");
      approx.className = "small fst-italic";
      approx.textContent =
        feature.placed === "desa" ? data.labelApproxDesa : data.labelApproxKecamatan;
      root.appendChild(approx);
    }
    var link = document.createElement("a");
    link.href = feature.url;
    link.textContent = data.labelOpen;
    root.appendChild(link);
    return root;
  }

  // Kecamatan outlines shaded by hotspot score, under the markers; none loaded = markers only.
  function drawAreas(collection) {
    if (!collection.features.length) {
      return;
    }
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        return { className: "hotspot-area band-" + feature.properties.band };
      },
      onEachFeature: function (feature, path) {
        var text = fill(data.labelArea, {
          name: feature.properties.name,
          score: feature.properties.score_label,
        });
        var root = document.createElement("div");
        var link = document.createElement("a");
        link.href = feature.properties.url;
        link.textContent = text;
        root.appendChild(link);
        path.bindPopup(root);
        // An element, not a string: Leaflet puts a string in as HTML, and region names are
        // typed by administrators.
        var tip = document.createElement("span");
        tip.textContent = text;
        path.bindTooltip(tip);
      },
    }).addTo(map);
    layer.bringToBack();
    var legend = document.getElementById("map-area-legend");
    if (legend) {
      legend.hidden = false;
    }
    box.dataset.areas = String(collection.features.length);
    if (!box.dataset.loaded || box.dataset.loaded === "0") {
      map.fitBounds(layer.getBounds(), { padding: [10, 10], animate: false });
    }
  }

  if (data.areasUrl) {
    fetch(data.areasUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { features: [] };
      })
      .then(drawAreas)
      .catch(function () {
        box.dataset.areas = "0";
      });
  }

  function number(value) {
    return Number(value).toLocaleString(document.documentElement.lang || "id");
  }

  // Too many reports for one marker each: a count per kecamatan at its centre, linking to the
  // list of those reports.
  function drawCounts(payload) {
    var layer = L.featureGroup();
    payload.areas.forEach(function (area) {
      var label = fill(data.labelCount, { name: area.name, count: number(area.count) });
      var icon = L.divIcon({
        className: "map-count",
        html: "<span>" + number(area.count) + "</span>",
        iconSize: [48, 48],
      });
      var marker = L.marker([area.lat, area.lon], { icon: icon, title: label, alt: label });
      var root = document.createElement("div");
      var link = document.createElement("a");
      link.href = area.url;
      link.textContent = label;
      root.appendChild(link);
      marker.bindPopup(root);
      layer.addLayer(marker);
    });
    map.addLayer(layer);
    if (payload.areas.length) {
      map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 13, animate: false });
    }
    summary.textContent = fill(data.labelAggregated, {
      total: number(payload.total),
      limit: number(payload.limit),
      unplaced: number(payload.unplaced),
    });
    box.dataset.loaded = "0";
    box.dataset.areasShown = String(payload.areas.length);
  }

  fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (payload) {
      if (payload.aggregated) {
        drawCounts(payload);
        return;
      }
      var cluster = L.markerClusterGroup({ animate: false });
      payload.features.forEach(function (feature) {
        var approx = feature.placed !== "tepat";
        var icon = L.divIcon({
          className: "map-pin risk-" + colour(feature) + (approx ? " approx" : ""),
          // 24 px: the smallest target a finger hits reliably (WCAG 2.2 target size).
          iconSize: [24, 24],
        });
        var label = feature.reference + (approx ? " (" + data.labelApprox + ")" : "");
        var marker = L.marker([feature.lat, feature.lon], {
          icon: icon,
          title: label,
          alt: label,
        });
        marker.bindPopup(popup(feature));
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      if (payload.features.length) {
        map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 15, animate: false });
      }
      summary.textContent = fill(data.labelSummary, {
        shown: payload.features.length,
        unplaced: payload.unplaced,
      });
      box.dataset.loaded = String(payload.features.length);
    })
    .catch(function () {
      summary.textContent = data.labelError;
    });
})();
