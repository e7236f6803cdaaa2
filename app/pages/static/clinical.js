// Therapist and supervisor views: caseload by phase, a client's course, the cosign queue.
import { all, call, get, ApiError } from "./api.js";
import { fill, h, PHASES, phaseLabel, label, fmt, table, clientName } from "./dom.js";
import { measureChart, phaseBars, phaseTimeline, themeMatrix, phaseOn } from "./charts.js";

const INSTRUMENTS = {
  phq9: { label: "PHQ-9", unit: "(total score, 0–27)", min: 0, max: 27, ticks: [0, 5, 10, 15, 20, 27],
    bands: [["minimal", 0, 4], ["mild", 5, 9], ["moderate", 10, 14], ["moderately_severe", 15, 19], ["severe", 20, 27]] },
  gad7: { label: "GAD-7", unit: "(total score, 0–21)", min: 0, max: 21, ticks: [0, 5, 10, 15, 21],
    bands: [["minimal", 0, 4], ["mild", 5, 9], ["moderate", 10, 14], ["severe", 15, 21]] },
  wai_sr: { label: "WAI-SR", unit: "(mean item score, 1–5)", min: 1, max: 5, ticks: [1, 2, 3, 4, 5], bands: [] },
};
for (const spec of Object.values(INSTRUMENTS)) spec.bands = spec.bands.map(([name, lo, hi]) => ({ name, lo, hi }));

const NOT_HELD = new Set(["cancelled", "late_cancelled", "no_show"]);
const latest = (m) => (m ? `${fmt(m.total)} · ${label(m.severity)} (${m.administered_on})` : "—");

export async function caseloadView(main, { user }) {
  const report = await get("/v1/reports/caseload");
  document.title = "Caseload — Session Notes";
  const cards = h("dl", { class: "cards", "data-summary": "caseload" },
    [["clients", "Clients", report.summary.clients], ...PHASES.map((p) => [p, phaseLabel(p), report.summary.by_phase[p] ?? 0]),
      ["with_risk_flags", "With open risk flags", report.summary.with_risk_flags]].map(([key, text, n]) =>
      h("div", { class: "card" }, h("dt", {}, text), h("dd", { "data-count": key }, n))));
  const sections = PHASES.map((phase) => {
    const rows = report.items.filter((r) => r.current_phase === phase);
    if (!rows.length) return null;
    return table(`${phaseLabel(phase)} (${rows.length})`,
      ["Client", "Days in phase", "Sessions in phase", "Last session", "PHQ-9", "GAD-7", "Open risk flags"],
      rows.map((r) => [h("a", { href: `/app/clients/${r.client_id}` }, clientName(r)), { num: r.days_in_phase }, { num: r.sessions_in_phase },
        r.last_session_on ?? "—", latest(r.phq9), latest(r.gad7),
        r.risk_flags.length ? h("span", { class: "flag" }, r.risk_flags.map((f) => `${label(f.source)} ${f.on}${f.level ? ` (${f.level})` : ""}`).join("; ")) : "none"]),
      { "data-phase": phase });
  });
  const without = report.items.filter((r) => !r.episode_id);
  fill(main, h("h1", {}, `Caseload of ${user.display_name}`),
    h("p", { class: "muted" }, `As of ${report.as_of}${user.role === "supervisor" ? ", your supervisees' clients included" : ""}.`),
    cards, sections,
    without.length ? table(`Without an open episode (${without.length})`, ["Client", "Last session"],
      without.map((r) => [h("a", { href: `/app/clients/${r.client_id}` }, clientName(r)), r.last_session_on ?? "—"])) : null);
}

export async function clientView(main, { id }) {
  const [client, progress, measures, sessions, notes] = await Promise.all([
    get(`/v1/clients/${id}`),
    get(`/v1/clients/${id}/progress`).catch((e) => { if (e instanceof ApiError && e.status === 404 && e.problem?.detail?.includes("episode")) return null; throw e; }),
    all(`/v1/clients/${id}/measures`),
    all(`/v1/sessions?client_id=${id}`),
    all(`/v1/notes?client_id=${id}&kind=progress`),
  ]);
  document.title = "Course of treatment — Session Notes";
  const head = [h("h1", {}, clientName(client))];
  if (!progress) {
    fill(main, ...head, h("p", {}, "No course of treatment yet."));
    return;
  }
  head.push(h("p", { class: "muted", "data-current-phase": progress.current_phase ?? "" },
    `Episode ${progress.status}, started ${progress.started_on}${progress.ended_on ? `, ended ${progress.ended_on}` : ""}; current phase: ${phaseLabel(progress.current_phase)}; as of ${progress.as_of}.`));
  const inEpisode = sessions.filter((v) => v.episode_id === progress.episode_id);
  // Columns: every session held by now (a past one still "scheduled" counts, as in the API),
  // and every day the progress document has a theme point on.
  const heldDates = inEpisode.filter((v) => !NOT_HELD.has(v.status) && v.starts_on <= progress.as_of).map((v) => v.starts_on);
  const pointDates = progress.theme_trajectories.flatMap((t) => t.points.map((p) => p.on));
  const attendedDates = [...new Set([...heldDates, ...pointDates])].sort();
  const inSpan = (on) => on >= progress.started_on && (!progress.ended_on || on <= progress.ended_on);
  const measureSections = Object.entries(INSTRUMENTS).map(([code, spec]) => {
    const points = measures.filter((m) => m.instrument === code && inSpan(m.administered_on));
    return [h("h3", {}, spec.label), points.length ? measureChart(`measure-${code}`, spec, points, progress) : h("p", {}, "Not administered in this episode.")];
  });
  const odf = progress.phases.map((p) => ({ phase: p.phase, value: p.defensive_functioning.odf }));
  const byNote = new Map(notes.map((n) => [n.session_id, n]));
  fill(main, ...head,
    h("h2", {}, "Phase timeline"), phaseTimeline(progress),
    h("h2", {}, "Outcome measures"), h("p", { class: "muted" }, "Shaded columns are the phases; the strip on the right shows each instrument's severity bands."), measureSections,
    h("h2", {}, "Defensive functioning (ODF) per phase"),
    h("div", { class: "grid2" }, phaseBars("odf", "Overall Defensive Functioning", "ODF (mean DMRS level, 1–7)", 1, 7, odf),
      table("ODF per phase", ["Phase", "ODF", "Defense observations"], progress.phases.map((p) =>
        [phaseLabel(p.phase), { num: p.defensive_functioning.odf }, { num: p.defensive_functioning.defense_observations }]), { "data-table": "odf" })),
    h("h2", {}, "Theme trajectories"), themeMatrix(progress, attendedDates),
    h("details", {}, h("summary", {}, "Theme trajectories as a table"), themeTable(progress)),
    h("h2", {}, "Emerging and receding themes per phase"), emergingTable(progress),
    h("h2", {}, "Core conflictual relationship theme (CCRT)"), ccrtTable(progress),
    h("h2", {}, "Sessions and note status"),
    table(`Sessions of this episode (${inEpisode.length})`, ["Date", "Phase", "Status", "Progress note"],
      [...inEpisode].reverse().map((v) => [v.starts_on, phaseLabel(v.phase ?? phaseOn(progress, v.starts_on)), label(v.status), label(byNote.get(v.id)?.status ?? "none")]),
      { "data-table": "sessions" }));
  performance.mark("progress-chart-drawn");
}

function themeTable(progress) {
  const rows = progress.theme_trajectories.map((t) => {
    // The API's own per-phase figures: a point is a session's highest intensity, not a mean.
    const per = progress.phases.map((p) => {
      const seen = p.themes.find((x) => x.code === t.code);
      return seen ? `${seen.sessions} × ${fmt(seen.mean_intensity)}` : "—";
    });
    return [t.label, label(t.category), { num: t.points.length }, t.points[0]?.on ?? "—", t.points.at(-1)?.on ?? "—", ...per];
  });
  return table("Themes: sessions observed and mean intensity per phase", ["Theme", "Category", "Sessions", "First", "Last",
    ...progress.phases.map((p) => `${phaseLabel(p.phase)} (n × mean)`)], rows, { "data-table": "themes" });
}

function emergingTable(progress) {
  const names = new Map(progress.theme_trajectories.map((t) => [t.code, t.label]));
  const list = (codes) => (codes.length ? codes.map((c) => names.get(c) ?? c).join(", ") : "none");
  return table("Themes first seen in a phase, and earlier themes absent from it", ["Phase", "Emerging", "Receding"],
    progress.phases.map((p) => [phaseLabel(p.phase), list(p.emerging_themes), list(p.receding_themes)]), { "data-table": "emerging" });
}

function ccrtTable(progress) {
  const top = (xs, valence) => (xs.length ? xs.slice(0, 3).map((x) => `${label(x.code)} (${x.count}${valence ? `; ${x.positive}+ / ${x.negative}−` : ""})`).join(", ") : "—");
  return table("Most frequent CCRT components per phase", ["Phase", "Episodes", "Wish", "Response of other", "Response of self"],
    progress.phases.map((p) => [phaseLabel(p.phase), { num: p.ccrt.relationship_episodes }, top(p.ccrt.wish), top(p.ccrt.response_of_other, true), top(p.ccrt.response_of_self, true)]),
    { "data-table": "ccrt" });
}

export async function cosignView(main, { user }) {
  const waiting = await all("/v1/notes?awaiting_my_cosign=true&kind=progress");
  // Only the clients with a note waiting are read (each read is logged as theirs).
  const ids = [...new Set(waiting.map((n) => n.client_id))];
  const clients = await Promise.all(ids.map((id) => get(`/v1/clients/${id}`)));
  const names = new Map(clients.map((c) => [c.id, clientName(c)]));
  document.title = "Awaiting cosignature — Session Notes";
  const status = h("p", { role: "status", id: "cosign-status" });
  const rows = waiting.map((n) => [names.get(n.client_id) ?? "client", n.signed_at?.slice(0, 10) ?? "—",
    h("button", { type: "button", class: "secondary", "data-open": n.id, onclick: () => openNote(n.id) }, "Open note")]);
  const holder = h("div", { id: "note-holder" });
  fill(main, h("h1", {}, "Notes awaiting your cosignature"),
    table(`${waiting.length} note${waiting.length === 1 ? "" : "s"} waiting`, ["Client", "Signed by author", "Action"], rows, { "data-table": "pending" }),
    status, holder);

  async function openNote(noteId) {
    const { data: note, headers } = await call(`/v1/notes/${noteId}`);
    const etag = headers.get("ETag");
    const comment = h("input", { id: "return-comment", type: "text", maxlength: 2000 });
    const act = async (verb) => {
      try {
        const body = verb === "return" ? { comment: comment.value } : undefined;
        await call(`/v1/notes/${noteId}/${verb}`, { method: "POST", headers: { "If-Match": etag }, body });
        status.textContent = verb === "cosign" ? "Note cosigned." : "Note returned to its author.";
        status.className = "ok";
        await cosignView(main, { user });
        document.getElementById("cosign-status").textContent = status.textContent;
        document.getElementById("cosign-status").className = "ok";
      } catch (error) {
        if (!(error instanceof ApiError)) throw error; // SignedOut: app.js shows the sign-in form
        status.textContent = error.status === 412 ? "This note changed since you opened it: open it again." : `Not done: ${error.message}`;
        status.className = "error";
      }
    };
    const risk = note.risk?.level ?? "none";
    fill(holder, h("h2", {}, `Note of ${names.get(note.client_id) ?? "client"}`),
      h("p", { class: "note-body" }, note.body ?? ""),
      h("p", { "data-risk": risk, class: ["none", "low"].includes(risk) ? null : "flag" }, h("strong", {}, "Risk: "),
        label(risk), note.risk?.details ? ` — ${note.risk.details}` : ""),
      h("p", { "data-interventions": "" }, h("strong", {}, "Interventions: "),
        note.interventions?.length ? note.interventions.map(label).join(", ") : "none recorded"),
      note.plan ? h("p", {}, h("strong", {}, "Plan: "), note.plan) : null,
      h("p", {}, h("button", { type: "button", id: "cosign", onclick: () => act("cosign") }, "Cosign"), " "),
      h("p", {}, h("label", { for: "return-comment" }, "Comment for the author "), comment, " ",
        h("button", { type: "button", id: "return", class: "secondary", onclick: () => act("return") }, "Return")));
    document.getElementById("cosign").focus();
  }
}
