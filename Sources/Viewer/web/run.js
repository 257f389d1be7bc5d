// The run page: one row per slide, sortable by any column.
"use strict";

(async function main() {
  const status = document.getElementById("run-status");
  let run;
  try {
    const response = await fetch("/api/run.json");
    if (!response.ok) throw new Error(`run.json: HTTP ${response.status}`);
    run = await response.json();
  } catch (error) {
    status.textContent = `Cannot load the run: ${error.message}`;
    return;
  }
  document.getElementById("run-name").textContent = run.name;
  document.title = `SlideMIL ${run.name}`;

  const format = (p) => (p === undefined || p === null ? "" : p.toFixed(4));
  const classProbability = (slide, name) => {
    const entry = (slide.classProbabilities || []).find((c) => c.name === name);
    return entry ? entry.probability : undefined;
  };
  // Each column: header, sort key, and how to fill its cell.
  const columns = [
    { title: "thumbnail", key: null, cell: (td, s) => {
        if (!s.hasSlide) return;
        const img = new Image();
        img.loading = "lazy"; img.alt = `thumbnail of ${s.id}`; img.src = `/slides/${encodeURIComponent(s.id)}/thumbnail.jpg`;
        td.append(img);
      } },
    { title: "slide", key: (s) => s.id, cell: (td, s) => {
        if (!s.hasSlide) { td.textContent = s.id; td.title = "no slide file listed"; return; }
        const a = document.createElement("a");
        a.href = `/slides/${encodeURIComponent(s.id)}`; a.textContent = s.id; a.className = "slide-link";
        td.append(a);
      } },
    { title: "label", key: (s) => s.label ?? "", cell: (td, s) => { td.textContent = s.label ?? ""; } },
    { title: "predicted", key: (s) => s.predictedLabel ?? "", cell: (td, s) => { td.textContent = s.predictedLabel ?? ""; } },
  ];
  if (run.classNames.length > 0) {
    for (const name of run.classNames) {
      columns.push({ title: `p(${name})`, numeric: true, key: (s) => classProbability(s, name) ?? -1,
        cell: (td, s) => { td.textContent = format(classProbability(s, name)); td.className = "number probability"; td.dataset.class = name; } });
    }
  } else {
    columns.push({ title: "probability", numeric: true, key: (s) => s.probability ?? -1, cell: (td, s) => {
        td.className = "number probability";
        td.textContent = format(s.probability);
        if (s.probability !== undefined && s.probability !== null) {
          const bar = document.createElement("span");
          bar.className = "bar-cell"; bar.style.width = `${Math.round(s.probability * 60)}px`;
          td.append(bar);
        }
      } });
  }
  columns.push({ title: "tiles", numeric: true, key: (s) => s.tiles ?? -1, cell: (td, s) => { td.textContent = s.tiles ?? ""; td.className = "number"; } });
  columns.push({ title: "heatmap", key: null, cell: (td, s) => {
      if (!s.hasHeatmap) return;
      const img = new Image();
      img.loading = "lazy"; img.alt = `heatmap of ${s.id}`; img.src = `/slides/${encodeURIComponent(s.id)}/heatmap.png`;
      td.append(img);
    } });

  const head = document.getElementById("slides-head");
  const body = document.getElementById("slides-body");
  let sortColumn = null, ascending = true;
  columns.forEach((column, index) => {
    const th = document.createElement("th");
    th.textContent = column.title;
    if (column.key) {
      th.tabIndex = 0;
      const sort = () => {
        ascending = sortColumn === index ? !ascending : !column.numeric;
        sortColumn = index;
        render();
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    }
    head.append(th);
  });

  function render() {
    const slides = run.slides.slice();
    if (sortColumn !== null) {
      const key = columns[sortColumn].key;
      slides.sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return ascending ? order : -order;
      });
    }
    [...head.children].forEach((th, i) => th.setAttribute("aria-sort", i === sortColumn ? (ascending ? "ascending" : "descending") : "none"));
    body.replaceChildren(...slides.map((slide) => {
      const tr = document.createElement("tr");
      tr.dataset.slide = slide.id;
      for (const column of columns) {
        const td = document.createElement("td");
        column.cell(td, slide);
        tr.append(td);
      }
      return tr;
    }));
  }
  render();
  status.textContent = `${run.slides.length} slides`;
  document.getElementById("slides").hidden = false;
})();
