// A Deep Zoom viewer on a canvas: tiles of a DZI pyramid fetched on demand, drawn coarse to
// fine so a zoom never shows an empty area, with mouse (drag, wheel, double-click) and keyboard
// (arrows, +/-, 0) navigation. Coordinates are level-0 pixels; `scale` is screen pixels per
// level-0 pixel.
"use strict";

class DeepZoomViewer {
  constructor(element, canvas, pyramid, tileURL) {
    this.element = element;
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.width = pyramid.width;
    this.height = pyramid.height;
    this.tileSize = pyramid.tileSize;
    this.maxLevel = pyramid.levelCount - 1;
    this.tileURL = tileURL;
    this.tiles = new Map();          // key -> {image, state: "loading"|"ready"|"failed", used}
    this.queue = [];                 // keys waiting for a request slot
    this.inFlight = 0;
    this.maxInFlight = 6;
    this.maxTiles = 600;
    this.frame = null;
    this.listeners = [];
    this.stats = { requested: 0, loaded: 0, failed: 0, latencies: [], firstPaint: null };
    this.resize();
    this.fit();
    this.bindEvents();
    new ResizeObserver(() => { this.resize(); this.redraw(); }).observe(element);
  }

  /// Calls `listener(context, view)` after each frame's tiles are drawn.
  onDraw(listener) { this.listeners.push(listener); }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const rect = this.element.getBoundingClientRect();
    this.ratio = ratio;
    this.viewWidth = Math.max(1, rect.width);
    this.viewHeight = Math.max(1, rect.height);
    for (const canvas of this.element.querySelectorAll("canvas")) {
      canvas.width = Math.round(this.viewWidth * ratio);
      canvas.height = Math.round(this.viewHeight * ratio);
    }
  }

  /// The whole slide in view.
  fit() {
    this.minScale = Math.min(this.viewWidth / this.width, this.viewHeight / this.height) * 0.95;
    this.scale = this.minScale;
    this.centerX = this.width / 2;
    this.centerY = this.height / 2;
    this.redraw();
  }

  /// Zooms by `factor` keeping the level-0 point under screen point (sx, sy) fixed.
  zoomAt(factor, sx = this.viewWidth / 2, sy = this.viewHeight / 2) {
    const maxScale = 4;   // 4 screen px per slide px: past full resolution, for a close look
    const scale = Math.min(maxScale, Math.max(this.minScale * 0.5, this.scale * factor));
    const [px, py] = this.toSlide(sx, sy);
    this.scale = scale;
    this.centerX = px - (sx - this.viewWidth / 2) / scale;
    this.centerY = py - (sy - this.viewHeight / 2) / scale;
    this.clampCenter();
    this.redraw();
  }

  /// Pans by screen pixels.
  panBy(dx, dy) {
    this.centerX -= dx / this.scale;
    this.centerY -= dy / this.scale;
    this.clampCenter();
    this.redraw();
  }

  /// Centres level-0 point (x, y) at `scale` (screen px per level-0 px).
  goTo(x, y, scale) {
    this.scale = scale;
    this.centerX = x;
    this.centerY = y;
    this.clampCenter();
    this.redraw();
  }

  clampCenter() {
    this.centerX = Math.min(this.width, Math.max(0, this.centerX));
    this.centerY = Math.min(this.height, Math.max(0, this.centerY));
  }

  toSlide(sx, sy) {
    return [this.centerX + (sx - this.viewWidth / 2) / this.scale, this.centerY + (sy - this.viewHeight / 2) / this.scale];
  }

  toScreen(x, y) {
    return [(x - this.centerX) * this.scale + this.viewWidth / 2, (y - this.centerY) * this.scale + this.viewHeight / 2];
  }

  /// Draws at the next animation frame, or after 100 ms where frames are not being produced
  /// (a hidden tab, a headless browser), whichever comes first.
  redraw() {
    if (this.frame) return;
    const run = () => {
      if (!this.frame) return;
      cancelAnimationFrame(this.frame.animation);
      clearTimeout(this.frame.timer);
      this.frame = null;
      this.draw();
    };
    this.frame = { animation: requestAnimationFrame(run), timer: setTimeout(run, 100) };
  }

  /// The pyramid level whose pixels are closest to, and not coarser than, screen pixels.
  levelForScale() {
    const levelZeroPerScreen = 1 / (this.scale * this.ratio);
    const steps = Math.max(0, Math.floor(Math.log2(Math.max(1, levelZeroPerScreen))));
    return Math.max(0, this.maxLevel - steps);
  }

  draw() {
    const ctx = this.context;
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, this.viewWidth, this.viewHeight);
    const target = this.levelForScale();
    // The coarsest level that still has a few tiles is always wanted: it fills the view at once.
    const base = Math.max(0, Math.min(target, this.maxLevel - Math.ceil(Math.log2(Math.max(this.width, this.height) / this.tileSize))));
    const wanted = new Set();
    // Coarse to fine; levels in between are drawn where already loaded, never requested.
    let complete = false;
    for (const level of [...new Set([base, target - 2, target - 1, target])].filter((l) => l >= base)) {
      const drawn = this.drawLevel(level, level === target || level === base, wanted);
      if (level === target) complete = drawn;
    }
    // Requests for tiles that scrolled out of view are dropped before they start.
    this.queue = this.queue.filter((key) => wanted.has(key));
    this.pump();
    const view = { scale: this.scale, toScreen: (x, y) => this.toScreen(x, y), width: this.viewWidth, height: this.viewHeight };
    for (const listener of this.listeners) listener(ctx, view);
    // From navigation start: the page, its scripts and data, then every tile of the first view.
    if (complete && this.stats.firstPaint === null) this.stats.firstPaint = performance.now();
    this.lastComplete = complete;
  }

  /// Draws the loaded tiles of `level` in view (requesting the missing ones when `request`);
  /// true when every tile in view was there.
  drawLevel(level, request, wanted) {
    const factor = 2 ** (this.maxLevel - level);
    const levelWidth = Math.ceil(this.width / factor), levelHeight = Math.ceil(this.height / factor);
    const [x0, y0] = this.toSlide(0, 0), [x1, y1] = this.toSlide(this.viewWidth, this.viewHeight);
    const size = this.tileSize;
    const c0 = Math.max(0, Math.floor(x0 / factor / size)), c1 = Math.min(Math.ceil(levelWidth / size) - 1, Math.floor(x1 / factor / size));
    const r0 = Math.max(0, Math.floor(y0 / factor / size)), r1 = Math.min(Math.ceil(levelHeight / size) - 1, Math.floor(y1 / factor / size));
    let complete = true;
    for (let row = r0; row <= r1; row++) {
      for (let column = c0; column <= c1; column++) {
        const key = `${level}/${column}_${row}`;
        const tile = this.tiles.get(key);
        if (tile && tile.state === "ready") {
          tile.used = performance.now();
          const [sx, sy] = this.toScreen(column * size * factor, row * size * factor);
          const w = tile.image.naturalWidth * factor * this.scale, h = tile.image.naturalHeight * factor * this.scale;
          // Half a pixel of overdraw hides the seams between neighbouring tiles.
          this.context.drawImage(tile.image, sx, sy, w + 0.5, h + 0.5);
        } else {
          complete = false;
          if (request) {
            wanted.add(key);
            if (!tile) this.enqueue(key);
          }
        }
      }
    }
    return complete;
  }

  enqueue(key) {
    this.tiles.set(key, { image: null, state: "queued", used: performance.now() });
    this.queue.push(key);
  }

  pump() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const key = this.queue.shift();
      const tile = this.tiles.get(key);
      if (!tile || tile.state !== "queued") continue;
      const [level, rest] = key.split("/");
      const [column, row] = rest.split("_").map(Number);
      const image = new Image();
      const begun = performance.now();
      tile.image = image;
      tile.state = "loading";
      this.inFlight++;
      this.stats.requested++;
      image.onload = () => {
        tile.state = "ready";
        this.stats.loaded++;
        this.stats.latencies.push(performance.now() - begun);
        this.inFlight--;
        this.evict();
        this.redraw();
      };
      image.onerror = () => {
        tile.state = "failed";
        this.stats.failed++;
        this.inFlight--;
        this.redraw();
      };
      image.src = this.tileURL(Number(level), column, row);
    }
    // Queued tiles that were dropped from the queue may be asked for again later.
    for (const [key, tile] of this.tiles) if (tile.state === "queued" && !this.queue.includes(key)) this.tiles.delete(key);
  }

  /// Keeps at most `maxTiles` decoded tiles, dropping the least recently drawn.
  evict() {
    if (this.tiles.size <= this.maxTiles) return;
    const ready = [...this.tiles.entries()].filter(([, t]) => t.state === "ready" || t.state === "failed").sort((a, b) => a[1].used - b[1].used);
    for (const [key] of ready.slice(0, this.tiles.size - this.maxTiles)) this.tiles.delete(key);
  }

  /// True when no tile is loading or waiting.
  get idle() { return this.inFlight === 0 && this.queue.length === 0; }

  bindEvents() {
    const element = this.element;
    let drag = null;
    element.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      element.setPointerCapture(e.pointerId);
      element.classList.add("dragging");
      element.focus();
    });
    element.addEventListener("pointermove", (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      this.panBy(e.clientX - drag.x, e.clientY - drag.y);
      drag.x = e.clientX; drag.y = e.clientY;
    });
    const end = (e) => { if (drag && drag.id === e.pointerId) { drag = null; element.classList.remove("dragging"); } };
    element.addEventListener("pointerup", end);
    element.addEventListener("pointercancel", end);
    element.addEventListener("wheel", (e) => {
      e.preventDefault();
      const rect = element.getBoundingClientRect();
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.zoomAt(Math.exp(-delta * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    }, { passive: false });
    element.addEventListener("dblclick", (e) => {
      const rect = element.getBoundingClientRect();
      this.zoomAt(e.shiftKey ? 0.5 : 2, e.clientX - rect.left, e.clientY - rect.top);
    });
    element.addEventListener("keydown", (e) => {
      const step = 80;
      const actions = {
        ArrowLeft: () => this.panBy(step, 0), ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step), ArrowDown: () => this.panBy(0, -step),
        "+": () => this.zoomAt(1.5), "=": () => this.zoomAt(1.5), "-": () => this.zoomAt(1 / 1.5),
        "0": () => this.fit(), Home: () => this.fit(),
      };
      const action = actions[e.key];
      if (action && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); action(); }
    });
  }
}
