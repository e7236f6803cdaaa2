// Auditor views: the access log, a client's access report, break-the-glass review, log state.
import { all, call, get, ApiError } from "./api.js";
import { fill, h, label, table } from "./dom.js";

const OUTCOMES = ["", "success", "denied", "not_found", "error"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function field(id, text, input) {
  input.id = id;
  return h("label", { for: id }, text, input);
}

const select = (options) => h("select", {}, options.map(([value, text]) => h("option", { value }, text)));
const when = (iso) => iso.replace("T", " ").slice(0, 19);
const clientLinks = (ids) => ids.length ? ids.map((c, i) => [i ? ", " : "", h("a", { href: `/app/audit/clients/${c}` }, c.slice(-12))]) : "—";
// datetime-local is local time; the API wants an offset.
const isoOf = (local) => (local ? new Date(local).toISOString() : null);

export async function accessLogView(main) {
  document.title = "Access log — Session Notes";
  const inputs = {
    client_id: h("input", { type: "text", pattern: UUID.source }),
    actor_id: h("input", { type: "text", pattern: UUID.source }),
    action: h("input", { type: "text", placeholder: "note.read" }),
    outcome: select(OUTCOMES.map((o) => [o, o ? label(o) : "any"])),
    resource_type: h("input", { type: "text", placeholder: "note" }),
    break_glass: select([["", "any"], ["true", "only break-the-glass"], ["false", "without"]]),
    purpose: h("input", { type: "text", placeholder: "TREAT" }),
    from: h("input", { type: "datetime-local" }),
    to: h("input", { type: "datetime-local" }),
    limit: select([["25", "25"], ["50", "50"], ["100", "100"], ["5", "5"]]),
  };
  const names = { client_id: "Client id", actor_id: "Actor id", action: "Action", outcome: "Outcome", resource_type: "Resource type",
    break_glass: "Break-the-glass", purpose: "Purpose of use", from: "From", to: "Before", limit: "Per page" };
  const results = h("div", { id: "results" });
  const form = h("form", { class: "filters", "aria-label": "Filters" },
    Object.entries(inputs).map(([k, input]) => field(`f-${k}`, names[k], input)),
    h("button", { type: "submit", id: "search" }, "Search"));
  const cursors = [];

  async function run(cursor) {
    const query = new URLSearchParams();
    for (const [k, input] of Object.entries(inputs)) {
      const value = k === "from" || k === "to" ? isoOf(input.value) : input.value.trim();
      if (value) query.set(k, value);
    }
    if (cursor) query.set("cursor", cursor);
    let page;
    try {
      page = await get(`/v1/audit/events?${query}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) throw error;
      fill(results, h("p", { class: "error", role: "alert" }, `Search refused: ${error.message}`));
      return;
    }
    const rows = page.items.map((e) => [when(e.occurred_at), `${e.actor.type}${e.actor.role ? ` (${e.actor.role})` : ""} ${e.actor.id ? e.actor.id.slice(-12) : ""}`,
      e.action, e.route ?? "—", clientLinks(e.client_ids), label(e.outcome), { num: e.http_status }, e.purpose_of_use ?? "—", e.break_glass_reason ?? "—", e.seq ?? "pending"]);
    const prev = cursors.length ? h("button", { type: "button", class: "secondary", id: "prev", onclick: () => { cursors.pop(); run(cursors.at(-1)); } }, "Previous page") : null;
    const next = page.next_cursor ? h("button", { type: "button", id: "next", onclick: () => { cursors.push(page.next_cursor); run(page.next_cursor); } }, "Next page") : null;
    fill(results, table(`Events, newest first: page ${cursors.length + 1}`,
      ["When (UTC)", "Actor", "Action", "Route", "Clients", "Outcome", "HTTP", "Purpose", "Break-the-glass reason", "Seq"], rows, { "data-table": "events" }),
      h("div", { class: "pager" }, prev, next));
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); cursors.length = 0; run(null); });
  fill(main, h("h1", {}, "Access log"), form, results);
  await run(null);
}

export async function accessReportView(main, { id, navigate }) {
  document.title = "Access report — Session Notes";
  const input = h("input", { type: "text", size: 36, pattern: UUID.source, value: id ?? "" });
  const form = h("form", { class: "filters", "aria-label": "Client" }, field("report-client", "Client id", input), h("button", { type: "submit" }, "Show report"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (UUID.test(input.value.trim())) navigate(`/app/audit/clients/${input.value.trim()}`);
  });
  if (!id) {
    fill(main, h("h1", {}, "Client access report"), form, h("p", {}, "Enter a client id, or follow a client link in the access log."));
    return;
  }
  const report = await get(`/v1/audit/clients/${id}/access-report`);
  const counts = (o) => Object.entries(o).map(([k, n]) => `${k} ${n}`).join(", ");
  fill(main, h("h1", {}, "Client access report"), form,
    h("p", { "data-total": report.total_events }, `${report.total_events} events name client ${id}.`),
    table("Who accessed this record", ["Actor", "Role", "Events", "By action", "By outcome", "First", "Last", "Break-the-glass"],
      report.actors.map((a) => [`${a.actor_type} ${a.actor_id ? a.actor_id.slice(-12) : ""}`, a.role ?? "—", { num: a.total }, counts(a.by_action), counts(a.by_outcome),
        when(a.first_access), when(a.last_access), { num: a.break_glass_count }]), { "data-table": "report" }));
}

export async function breakGlassView(main) {
  document.title = "Break-the-glass — Session Notes";
  // Every pending access, however old or many; the latest reviewed ones beside them.
  const [pending, reviewed] = await Promise.all([
    all("/v1/audit/break-glass?reviewed=false"),
    get("/v1/audit/break-glass?reviewed=true&limit=50"),
  ]);
  const status = h("p", { role: "status", id: "review-status" });
  const row = (item) => {
    const e = item.event;
    let action = label(item.status);
    if (item.status === "pending") {
      const decision = select([["justified", "justified"], ["unjustified", "unjustified"], ["needs_follow_up", "needs follow-up"]]);
      decision.id = `decision-${e.id}`;
      const comment = h("input", { type: "text", id: `comment-${e.id}`, maxlength: 1000 });
      const review = async (event) => {
        // One review per click: a double click would record two reviews (and two events).
        const button = event.currentTarget;
        if (button.disabled) return;
        button.disabled = true;
        try {
          const body = { decision: decision.value };
          if (comment.value.trim()) body.comment = comment.value.trim();
          await call(`/v1/audit/events/${e.id}/review`, { method: "POST", body });
          await breakGlassView(main);
          const done = document.getElementById("review-status");
          done.textContent = "Review recorded.";
          done.className = "ok";
        } catch (error) {
          button.disabled = false;
          if (!(error instanceof ApiError)) throw error;
          status.textContent = `Not recorded: ${error.message}`;
          status.className = "error";
        }
      };
      action = h("span", {}, h("label", { for: decision.id }, "Decision "), decision, " ",
        h("label", { for: comment.id }, "Comment "), comment, " ",
        h("button", { type: "button", "data-review": e.id, onclick: review }, "Record review"));
    } else {
      action = item.reviews.map((r) => `${label(r.decision)}${r.comment ? `: ${r.comment}` : ""}`).join("; ");
    }
    return [when(e.occurred_at), `${e.actor.role ?? e.actor.type} ${e.actor.id ? e.actor.id.slice(-12) : ""}`, e.action, clientLinks(e.client_ids),
      e.break_glass_reason ?? "—", label(item.status), action];
  };
  const headers = ["When (UTC)", "Actor", "Action", "Clients", "Reason", "Status", "Review"];
  fill(main, h("h1", {}, "Break-the-glass accesses"), status,
    table(`${pending.length} awaiting review, newest first`, headers, pending.map(row), { "data-table": "break-glass" }),
    table(`The latest ${reviewed.items.length} reviewed`, headers, reviewed.items.map(row), { "data-table": "break-glass-reviewed" }));
}

export async function logStateView(main) {
  document.title = "Log state — Session Notes";
  const [checkpoint, key] = await Promise.all([
    get("/v1/audit/checkpoints/latest").catch((e) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
    get("/v1/audit/public-key"),
  ]);
  const verdict = h("div", { id: "verify-result", role: "status" });
  const verify = async () => {
    fill(verdict, h("p", {}, "Verifying…"));
    const v = await get("/v1/audit/verify");
    fill(verdict, h("p", { class: v.ok ? "ok" : "error", "data-ok": String(v.ok) },
      v.ok ? `Verified: ${v.checked} events checked, tree size ${v.tree_size}.` : `Problems found: ${v.problems.length}.`),
      h("p", { class: "muted" }, `Root hash ${v.root_hash}`),
      v.problems.length ? table("Problems", ["Seq", "Event", "Kind"], v.problems.map((p) => [String(p.seq ?? "—"), p.event_id ?? "—", p.kind])) : null);
  };
  const format = select([["ndjson", "NDJSON"], ["csv", "CSV"], ["fhir", "FHIR R4 AuditEvent (NDJSON)"]]);
  format.id = "export-format";
  const exportStatus = h("p", { role: "status", id: "export-status" });
  const download = async () => {
    const { data, headers } = await call(`/v1/audit/export?format=${format.value}`, { raw: true });
    const name = (headers.get("Content-Disposition") ?? "").match(/filename="?([^";]+)/)?.[1] ?? `audit-export.${format.value === "csv" ? "csv" : "ndjson"}`;
    const url = URL.createObjectURL(data);
    const link = h("a", { href: url, download: name }, name);
    document.body.append(link);
    link.click();
    link.remove();
    // The export stays in the tab's memory until its URL is revoked: after the download starts.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    exportStatus.textContent = `Downloaded ${name} (${data.size} bytes).`;
  };
  fill(main, h("h1", {}, "State of the access log"),
    h("h2", {}, "Latest checkpoint"),
    checkpoint ? table("Signed checkpoint", ["Field", "Value"], [["Tree size", String(checkpoint.tree_size)], ["Root hash", checkpoint.root_hash],
      ["Timestamp", checkpoint.timestamp], ["Key id", checkpoint.key_id]], { "data-table": "checkpoint" }) : h("p", {}, "No checkpoint yet."),
    h("p", { class: "muted" }, `Verification key: ${key.vkey ?? key.public_key}`),
    h("h2", {}, "Verification"), h("button", { type: "button", id: "verify", onclick: verify }, "Run verification"), verdict,
    h("h2", {}, "Export"), h("p", {}, h("label", { for: "export-format" }, "Format "), format, " ",
      h("button", { type: "button", id: "download", onclick: download }, "Download export")), exportStatus);
}
