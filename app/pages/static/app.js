// The review pages' router: sign-in, navigation by role, and one view per path (ids only).
import { ApiError, SignedOut, me, signIn, signOut } from "./api.js";
import { fill, h } from "./dom.js";
import { caseloadView, clientView, cosignView } from "./clinical.js";
import { accessLogView, accessReportView, breakGlassView, logStateView } from "./audit.js";

const UUID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
const CLINICAL = ["therapist", "supervisor"];
const ROUTES = [
  { path: /^\/app\/caseload$/, roles: CLINICAL, view: caseloadView },
  { path: new RegExp(`^/app/clients/${UUID}$`), roles: CLINICAL, view: clientView },
  { path: /^\/app\/cosign$/, roles: ["supervisor"], view: cosignView },
  { path: /^\/app\/audit\/events$/, roles: ["auditor"], view: accessLogView },
  { path: new RegExp(`^/app/audit/clients(?:/${UUID})?$`), roles: ["auditor"], view: accessReportView },
  { path: /^\/app\/audit\/break-glass$/, roles: ["auditor"], view: breakGlassView },
  { path: /^\/app\/audit\/log$/, roles: ["auditor"], view: logStateView },
];
const NAV = {
  therapist: [["/app/caseload", "Caseload"]],
  supervisor: [["/app/caseload", "Caseload"], ["/app/cosign", "Awaiting cosignature"]],
  auditor: [["/app/audit/events", "Access log"], ["/app/audit/clients", "Access report"],
    ["/app/audit/break-glass", "Break-the-glass"], ["/app/audit/log", "Log state"]],
};
const HOME = { therapist: "/app/caseload", supervisor: "/app/caseload", auditor: "/app/audit/events" };

const main = document.getElementById("main");

export function navigate(path) {
  history.pushState(null, "", path);
  render();
}

function drawNav(user) {
  const nav = document.getElementById("nav");
  const links = user ? NAV[user.role] ?? [] : [];
  nav.replaceChildren(h("ul", {}, links.map(([href, text]) => h("li", {},
    h("a", { href, "aria-current": location.pathname === href ? "page" : null }, text)))));
  document.getElementById("who").textContent = user ? `${user.display_name ?? user.email} · ${user.role}` : "";
  document.getElementById("signout").hidden = !user;
}

function signInForm(message) {
  const email = h("input", { id: "email", name: "username", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const status = h("p", { id: "signin-status", role: "status" }, message ?? "");
  const form = h("form", { class: "signin", method: "post", "aria-labelledby": "signin-title" },
    h("label", { for: "email" }, "Email", email),
    h("label", { for: "password" }, "Password", password),
    h("button", { type: "submit" }, "Sign in"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Signing in…";
    try {
      const user = await signIn(email.value, password.value);
      if (location.pathname === "/app/" || location.pathname === "/app") history.replaceState(null, "", HOME[user.role] ?? "/app/");
      render();
    } catch (error) {
      status.textContent = error instanceof ApiError && error.status === 429
        ? "Too many attempts; try again later." : "Sign-in failed: check the email and password.";
      status.className = "error";
    }
  });
  fill(main, h("h1", { id: "signin-title" }, "Sign in"), form);
  document.title = "Sign in — Session Notes";
  email.focus();
}

export function notFound() {
  fill(main, h("h1", {}, "Not found"), h("p", { "data-state": "not-found" }, "There is nothing here for you: the record does not exist or is not on your caseload."));
  document.title = "Not found — Session Notes";
}

let ended = null;

export async function render() {
  const user = me();
  drawNav(user);
  if (!user) return signInForm(ended);
  ended = null;
  if (location.pathname === "/app/" || location.pathname === "/app") {
    history.replaceState(null, "", HOME[user.role] ?? "/app/");
    if (!HOME[user.role]) {
      fill(main, h("h1", {}, "Nothing to review"), h("p", {}, "These pages are for therapists, supervisors and auditors."));
      return;
    }
    drawNav(user);
  }
  const route = ROUTES.find((r) => r.path.test(location.pathname));
  if (!route || !route.roles.includes(user.role)) return notFound();
  const id = location.pathname.match(route.path)[1];
  fill(main, h("p", { role: "status" }, "Loading…"));
  main.removeAttribute("data-ready");
  try {
    await route.view(main, { id, user, navigate });
    main.setAttribute("data-ready", "true");
  } catch (error) {
    if (error instanceof SignedOut) return; // the session-ended event shows the sign-in form
    if (error instanceof ApiError && error.status === 404) return notFound();
    fill(main, h("h1", {}, "Something went wrong"), h("p", { class: "error" }, error.message));
  }
}

// In-app links change the view without a reload (a reload forgets the token).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/app/']");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || link.hasAttribute("download")) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", render);
// A session that ends (a 401 on any call, a button's included, or the token's expiry) takes
// the view with it: the sign-in form replaces whatever client data was shown.
window.addEventListener("session-ended", () => {
  ended = "Your session has ended; sign in again.";
  render();
});
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof SignedOut) event.preventDefault(); // already shown as ended
});
document.getElementById("signout").addEventListener("click", async () => {
  await signOut();
  ended = "You have signed out.";
  history.replaceState(null, "", "/app/");
  render();
  document.getElementById("main").focus();
});
render();
