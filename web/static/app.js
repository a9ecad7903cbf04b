// The first page: health and record counts from the API. The full UI comes from web/ (Vite).
const health = document.getElementById("health");
const tbody = document.querySelector("#counts tbody");

async function load() {
  try {
    const h = await (await fetch("/api/v1/health")).json();
    health.textContent = `${h.status} · version ${h.version} · ${h.database}`;
    const [stats, meta] = await Promise.all([
      fetch("/api/v1/stats").then((r) => r.json()),
      fetch("/api/v1/meta").then((r) => r.json()),
    ]);
    tbody.replaceChildren();
    for (const entity of meta.entities) {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const link = document.createElement("a");
      link.href = entity.path;
      link.textContent = entity.plural_label.en;
      name.append(link);
      const count = document.createElement("td");
      count.textContent = (stats.records[entity.plural] ?? 0).toLocaleString("en");
      count.className = "num";
      tr.append(name, count);
      tbody.append(tr);
    }
  } catch (e) {
    health.textContent = `The API did not answer: ${e.message}`;
  }
}
load();
