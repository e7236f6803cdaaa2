// Calls /v1 as the signed-in user. The tokens live in this module's memory only: never in
// storage, a cookie or a URL; a reload or sign-out forgets them (docs/adr on page tokens).
let session = null;
let expiry = null;

export class SignedOut extends Error {}

// The session ends shortly before its access token does: the page then forgets the token
// and says so (an "ended" event), so that client data does not stay on an idle screen.
function end() {
  clearTimeout(expiry);
  session = null;
  window.dispatchEvent(new Event("session-ended"));
}

// A minute before the access token expires (halfway, for a short one): while it still
// works, it can sign out, so the refresh token the page forgets is revoked too.
const endsIn = (seconds) => Math.max(seconds - 60, seconds / 2) * 1000;

function expire() {
  const ending = session;
  end();
  if (ending) revoke(ending);
}

async function revoke({ token, refresh }) {
  try {
    await fetch("/v1/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
  } catch {
    // Offline: the access token expires within the minute; the refresh token was only
    // ever in this page's memory, which has let it go.
  }
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const me = () => session?.me ?? null;

export async function signIn(email, password) {
  const form = new URLSearchParams({ username: email, password });
  const response = await fetch("/v1/auth/token", { method: "POST", body: form });
  const body = await response.json();
  if (!response.ok) throw new ApiError(response.status, body);
  session = { token: body.access_token, refresh: body.refresh_token, me: null };
  clearTimeout(expiry);
  expiry = setTimeout(expire, endsIn(body.expires_in));
  session.me = (await call("/v1/me")).data;
  return session.me;
}

export async function signOut() {
  if (!session) return;
  const ending = session;
  clearTimeout(expiry);
  session = null;
  await revoke(ending);
}

// One /v1 call: {status, data, headers}. 401 ends the session (expired or revoked token).
export async function call(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  if (!session) throw new SignedOut();
  const init = { method, headers: { Authorization: `Bearer ${session.token}`, ...headers } };
  if (method === "POST") init.headers["Idempotency-Key"] = crypto.randomUUID();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    end();
    throw new SignedOut();
  }
  if (raw && response.ok) return { status: response.status, data: await response.blob(), headers: response.headers };
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { status: response.status, data, headers: response.headers };
}

export async function get(path) {
  return (await call(path)).data;
}

// Every page of a list (limit 200 each).
export async function all(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
