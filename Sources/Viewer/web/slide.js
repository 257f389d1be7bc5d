// The slide page: the deep-zoom viewer, the attention overlay and its controls, the tissue
// outline, the tile strips and the prediction. `?tour=1` runs a scripted pan and zoom and
// reports tile latencies in #stats (what `slidemil bench viewer` reads).
"use strict";

// Script errors are shown on the page (and read by the browser test), not only in the console.
for (const kind of ["error", "unhandledrejection"]) {
  window.addEventListener(kind, (event) => {
    const message = event.message || (event.reason && (event.reason.stack || event.reason.message)) || String(event.reason);
    document.getElementById("stats").dataset.error = message;
    document.getElementById("prediction").textContent = `script error: ${message}`;
  });
}

(async function main() {
  const id = decodeURIComponent(location.pathname.split("/")[2] || "");
  const base = `/slides/${encodeURIComponent(id)}`;
  const stats = document.getElementById("stats");
  document.getElementById("slide-name").textContent = id;
  document.title = `SlideMIL ${id}`;

  const info = await (await fetch(`/api/slides/${encodeURIComponent(id)}.json`)).json();
  showPrediction(info);
  const element = document.getElementById("viewer");
  if (!info.width) {
    element.textContent = "The run lists no slide file for this slide.";
    return;
  }
  const viewer = new DeepZoomViewer(element, document.getElementById("tiles"),
    { width: info.width, height: info.height, tileSize: info.tileSize, levelCount: info.levelCount },
    (level, column, row) => `${base}/tiles/${level}/${column}_${row}.jpg`);
  element.focus();

  // Tissue outline, drawn on the tile canvas over the tiles.
  const outline = new Image();
  let showOutline = true;
  outline.onload = () => viewer.redraw();
  outline.src = `${base}/tissue.png`;
  viewer.onDraw((context, view) => {
    if (!showOutline || !outline.complete || !outline.naturalWidth) return;
    const [x0, y0] = view.toScreen(0, 0), [x1, y1] = view.toScreen(info.width, info.height);
    context.save();
    context.imageSmoothingEnabled = false;
    context.globalCompositeOperation = "screen"; // the outline's black background leaves the tiles as they are
    context.drawImage(outline, x0, y0, x1 - x0, y1 - y0);
    context.restore();
  });

  // Attention overlay, on its own canvas.
  const overlayCanvas = document.getElementById("overlay");
  const overlayContext = overlayCanvas.getContext("2d");
  let overlay = null;
  viewer.onDraw((_, view) => {
    overlayContext.setTransform(viewer.ratio, 0, 0, viewer.ratio, 0, 0);
    overlayContext.clearRect(0, 0, view.width, view.height);
    if (overlay) overlay.draw(overlayContext, view);
  });
  if (info.slide.hasAttention) {
    const payload = await (await fetch(`/api/slides/${encodeURIComponent(id)}/attention.json`)).json();
    overlay = new AttentionOverlay(payload);
    bindControls(payload);
    fillStrip("top-strip", payload.top, payload);
    fillStrip("bottom-strip", payload.bottom, payload);
    viewer.redraw();
  } else {
    document.querySelector(".panel section").append(Object.assign(document.createElement("p"), { textContent: "No attention file for this slide." }));
  }

  function bindControls(payload) {
    const legend = document.getElementById("legend");
    const updateLegend = () => {
      overlay.drawLegend(legend);
      const raw = overlay.mode === "raw";
      document.getElementById("legend-low").textContent = raw ? overlay.minScore.toPrecision(3) : "lowest";
      document.getElementById("legend-high").textContent = raw ? overlay.maxScore.toPrecision(3) : "highest attention";
    };
    const showOverlay = document.getElementById("show-overlay");
    showOverlay.addEventListener("change", () => { overlay.set({ visible: showOverlay.checked }); viewer.redraw(); });
    document.getElementById("colormap").addEventListener("change", (e) => { overlay.set({ colormap: e.target.value }); updateLegend(); viewer.redraw(); });
    document.getElementById("opacity").addEventListener("input", (e) => { overlay.set({ opacity: Number(e.target.value) }); viewer.redraw(); });
    for (const radio of document.querySelectorAll("input[name=scale]")) {
      radio.addEventListener("change", () => { overlay.set({ mode: radio.value }); updateLegend(); viewer.redraw(); });
    }
    const outlineBox = document.getElementById("show-outline");
    outlineBox.addEventListener("change", () => { showOutline = outlineBox.checked; viewer.redraw(); });
    document.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
      if (e.key === "a") { showOverlay.click(); }
      if (e.key === "t") { outlineBox.click(); }
    });
    updateLegend();
  }

  document.addEventListener("keydown", (e) => {
    if (e.key === "Backspace" && e.target.tagName !== "INPUT") location.href = "/";
  });
  document.getElementById("zoom-in").addEventListener("click", () => viewer.zoomAt(2));
  document.getElementById("zoom-out").addEventListener("click", () => viewer.zoomAt(0.5));
  document.getElementById("zoom-fit").addEventListener("click", () => viewer.fit());

  function fillStrip(elementID, indices, payload) {
    const strip = document.getElementById(elementID);
    const size = payload.patchSize;
    for (const index of indices) {
      const x = payload.coords[2 * index], y = payload.coords[2 * index + 1];
      const button = document.createElement("button");
      button.title = `tile at (${x}, ${y}), attention ${payload.scores[index].toPrecision(3)}`;
      const image = new Image();
      image.alt = button.title;
      image.src = `${base}/patch/${x}_${y}_${size}.jpg`;
      button.append(image);
      // Jump so the tile fills about a third of the view.
      button.addEventListener("click", () => viewer.goTo(x + size / 2, y + size / 2, Math.min(viewer.viewWidth, viewer.viewHeight) / (3 * size)));
      strip.append(button);
    }
  }

  function showPrediction(info) {
    const slide = info.slide;
    const parts = [];
    if (slide.classProbabilities && slide.classProbabilities.length > 0) {
      parts.push(slide.classProbabilities.map((c) => `p(${c.name}) ${c.probability.toFixed(3)}`).join(" · "));
    } else if (slide.probability !== undefined && slide.probability !== null) {
      parts.push(`probability ${slide.probability.toFixed(4)}`);
    }
    if (slide.predictedLabel) parts.push(`predicted ${slide.predictedLabel}`);
    if (slide.label) parts.push(`label ${slide.label}`);
    if (slide.tiles) parts.push(`${slide.tiles} tiles`);
    document.getElementById("prediction").textContent = parts.join(" · ");
  }

  // Scale bar: a round length in µm (or px) about 100 screen px long.
  const scaleBar = document.getElementById("scale");
  viewer.onDraw((_, view) => {
    const mpp = info.micronsPerPixel;
    const perScreen = (mpp || 1) / view.scale;
    const raw = perScreen * 100;
    const nice = 10 ** Math.floor(Math.log10(raw)) * [1, 2, 5, 10].find((m) => m * 10 ** Math.floor(Math.log10(raw)) >= raw * 0.6);
    scaleBar.style.width = `${nice / perScreen}px`;
    scaleBar.textContent = mpp ? (nice >= 1000 ? `${nice / 1000} mm` : `${nice} µm`) : `${nice} px`;
  });

  // Page statistics for tests and benchmarks, written once the view is settled.
  const percentile = (values, p) => {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  };
  function overlayPixels() {
    const data = overlayContext.getImageData(0, 0, overlayCanvas.width, overlayCanvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
    return count;
  }
  function report(extra = {}) {
    const s = viewer.stats;
    Object.assign(stats.dataset, {
      tilesRequested: s.requested, tilesLoaded: s.loaded, tilesFailed: s.failed,
      firstPaintMs: Math.round(s.firstPaint ?? -1), overlayPixels: overlay ? overlayPixels() : 0,
      latencyP50Ms: percentile(s.latencies, 0.5).toFixed(1), latencyP99Ms: percentile(s.latencies, 0.99).toFixed(1), ...extra,
    });
    stats.textContent = JSON.stringify(stats.dataset);
  }
  const settled = () => new Promise((resolve) => {
    const check = () => (viewer.idle && viewer.lastComplete ? resolve() : setTimeout(check, 30));
    setTimeout(check, 30);
  });
  await settled();
  if (new URLSearchParams(location.search).get("tour") === "1") {
    // Scripted navigation: zoom into the centre step by step, pan at full resolution, zoom out.
    const begun = performance.now();
    viewer.stats.latencies = [];
    const steps = [];
    for (let i = 0; i < 8; i++) steps.push(() => viewer.zoomAt(2));
    for (let i = 0; i < 6; i++) steps.push(() => viewer.panBy(viewer.viewWidth / 2, 0));
    for (let i = 0; i < 6; i++) steps.push(() => viewer.panBy(0, viewer.viewHeight / 2));
    for (let i = 0; i < 4; i++) steps.push(() => viewer.zoomAt(0.25));
    for (const step of steps) { step(); await settled(); }
    report({ tourSteps: steps.length, tourMs: Math.round(performance.now() - begun), tourTiles: viewer.stats.latencies.length, done: "1" });
  } else {
    report({ done: "1" });
  }
})();
