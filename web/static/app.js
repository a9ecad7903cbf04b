// The first page: health, sign-in, and record counts from the API. The full UI comes from web/
// (Vite).
const health = document.getElementById("health");
const tbody = document.querySelector("#counts tbody");
const signin = document.getElementById("signin");
const signedIn = document.getElementById("signed-in");
const problem = document.getElementById("signin-problem");
let csrf = "";

async function api(path, options = {}) {
  const headers = { ...(options.headers ?? {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  if (csrf && options.method && options.method !== "GET") headers["X-CSRF-Token"] = csrf;
  return fetch(path, { ...options, headers, credentials: "same-origin" });
}

function show(user) {
  signin.hidden = Boolean(user);
  signedIn.hidden = !user;
  document.getElementById("user").textContent = user ?? "";
}

async function load() {
  try {
    const h = await (await fetch("/api/v1/health")).json();
    health.textContent = `${h.status} · version ${h.version} · ${h.database}`;
    const session = await api("/api/v1/auth/session");
    if (session.status === 401) {
      show(null);
      tbody.replaceChildren();
      return;
    }
    const me = await session.json();
    csrf = me.csrf_token ?? "";
    show(me.user);
    const [stats, meta] = await Promise.all([
      api("/api/v1/stats").then((r) => r.json()),
      api("/api/v1/meta").then((r) => r.json()),
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

signin.addEventListener("submit", async (event) => {
  event.preventDefault();
  problem.textContent = "";
  const form = new FormData(signin);
  const r = await api("/api/v1/auth/login", {
    method: "POST",
    body: JSON.stringify({ name: form.get("name"), password: form.get("password") }),
  });
  if (!r.ok) {
    problem.textContent = (await r.json()).detail ?? `Sign-in failed (${r.status})`;
    return;
  }
  signin.reset();
  await load();
});

document.getElementById("signout").addEventListener("click", async () => {
  await api("/api/v1/auth/logout", { method: "POST" });
  csrf = "";
  await load();
});

load();
