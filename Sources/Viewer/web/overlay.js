// The attention overlay: each tile's score coloured by a colormap, painted once into a small
// off-screen grid (one cell per tile step) and stretched over the slide at any zoom, so a frame
// costs one drawImage however many tiles the slide has.
"use strict";

const COLORMAPS = {
  // Anchor colours sampled along each map, interpolated linearly in between.
  viridis: ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"],
  magma: ["#000004", "#180f3d", "#440f76", "#721f81", "#9e2f7f", "#cd4071", "#f1605d", "#fd9668", "#feca8d", "#fcfdbf"],
  jet: ["#00007f", "#0000ff", "#007fff", "#00ffff", "#7fff7f", "#ffff00", "#ff7f00", "#ff0000", "#7f0000"],
  coolwarm: ["#3b4cc0", "#6788ee", "#9abbff", "#c9d7f0", "#edd1c2", "#f7a889", "#e26952", "#b40426"],
};

function colormapTable(name) {
  const anchors = (COLORMAPS[name] || COLORMAPS.viridis).map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const table = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (anchors.length - 1);
    const low = Math.min(anchors.length - 2, Math.floor(position)), t = position - low;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = anchors[low][c] * (1 - t) + anchors[low + 1][c] * t;
  }
  return table;
}

class AttentionOverlay {
  /// `payload`: {patchSize, coords: [x, y, ...], scores: [...]} from attention.json.
  constructor(payload) {
    this.patchSize = payload.patchSize;
    this.coords = payload.coords;
    this.scores = payload.scores;
    this.count = payload.scores.length;
    this.colormap = "viridis";
    this.mode = "percentile";
    this.opacity = 0.45;
    this.visible = true;
    // The grid step: the smallest distance between tile corners (the tile side unless tiles overlap).
    const xs = [...new Set(this.coords.filter((_, i) => i % 2 === 0))].sort((a, b) => a - b);
    const ys = [...new Set(this.coords.filter((_, i) => i % 2 === 1))].sort((a, b) => a - b);
    let step = this.patchSize;
    for (const axis of [xs, ys]) for (let i = 1; i < axis.length; i++) step = Math.min(step, axis[i] - axis[i - 1]);
    // Keep the off-screen grid small enough to repaint at once (at most ~4096 cells a side).
    const extent = Math.max(xs[xs.length - 1] - xs[0], ys[ys.length - 1] - ys[0]) + this.patchSize;
    this.step = Math.max(step, Math.ceil(extent / 4096), 1);
    this.originX = xs[0] ?? 0;
    this.originY = ys[0] ?? 0;
    this.columns = Math.max(1, Math.ceil((xs[xs.length - 1] - this.originX + this.patchSize) / this.step));
    this.rows = Math.max(1, Math.ceil((ys[ys.length - 1] - this.originY + this.patchSize) / this.step));
    this.grid = document.createElement("canvas");
    this.grid.width = this.columns;
    this.grid.height = this.rows;
    this.minScore = Infinity;
    this.maxScore = -Infinity;
    for (const score of this.scores) { this.minScore = Math.min(this.minScore, score); this.maxScore = Math.max(this.maxScore, score); }
    this.ranks = this.percentileRanks();
    this.paint();
  }

  /// Each tile's score as a rank in [0, 1] (ties share the mean rank).
  percentileRanks() {
    const order = [...this.scores.keys()].sort((a, b) => this.scores[a] - this.scores[b]);
    const ranks = new Float32Array(this.count);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && this.scores[order[j + 1]] === this.scores[order[i]]) j++;
      const rank = this.count > 1 ? (i + j) / 2 / (this.count - 1) : 1;
      for (let k = i; k <= j; k++) ranks[order[k]] = rank;
      i = j + 1;
    }
    return ranks;
  }

  /// The value in [0, 1] that colours tile `i`.
  normalized(i) {
    if (this.mode === "percentile") return this.ranks[i];
    const span = this.maxScore - this.minScore;
    return span > 0 ? (this.scores[i] - this.minScore) / span : 1;
  }


  /// Repaints the grid with the current colormap and scale.
  paint() {
    const table = colormapTable(this.colormap);
    const context = this.grid.getContext("2d");
    const image = context.createImageData(this.columns, this.rows);
    const span = Math.max(1, Math.round(this.patchSize / this.step));
    for (let i = 0; i < this.count; i++) {
      const value = Math.round(Math.min(1, Math.max(0, this.normalized(i))) * 255);
      const c0 = Math.floor((this.coords[2 * i] - this.originX) / this.step);
      const r0 = Math.floor((this.coords[2 * i + 1] - this.originY) / this.step);
      for (let r = r0; r < Math.min(this.rows, r0 + span); r++) {
        for (let c = c0; c < Math.min(this.columns, c0 + span); c++) {
          const o = (r * this.columns + c) * 4;
          image.data[o] = table[value * 3]; image.data[o + 1] = table[value * 3 + 1]; image.data[o + 2] = table[value * 3 + 2];
          image.data[o + 3] = 255;
        }
      }
    }
    context.putImageData(image, 0, 0);
  }

  set(options) {
    Object.assign(this, options);
    if ("colormap" in options || "mode" in options) this.paint();
  }

  /// Draws the grid over the view (`view.toScreen` maps level-0 px to screen px).
  draw(context, view) {
    if (!this.visible || this.opacity <= 0) return;
    const [x0, y0] = view.toScreen(this.originX, this.originY);
    const [x1, y1] = view.toScreen(this.originX + this.columns * this.step, this.originY + this.rows * this.step);
    context.save();
    context.globalAlpha = this.opacity;
    context.imageSmoothingEnabled = false;
    context.drawImage(this.grid, x0, y0, x1 - x0, y1 - y0);
    context.restore();
  }

  /// Fills a legend canvas with the colormap, low to high.
  drawLegend(canvas) {
    const table = colormapTable(this.colormap);
    const context = canvas.getContext("2d");
    for (let x = 0; x < canvas.width; x++) {
      const v = Math.round((x / (canvas.width - 1)) * 255);
      context.fillStyle = `rgb(${table[v * 3]},${table[v * 3 + 1]},${table[v * 3 + 2]})`;
      context.fillRect(x, 0, 1, canvas.height);
    }
  }
}
