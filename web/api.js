// SPDX-License-Identifier: EUPL-1.2
// web/api.js — every call to the lotse HTTP API goes through here.
//
// Who is calling: the session cookie set by POST /api/login (sent by the
// browser; GET /api/session tells who it is and the CSRF token that every
// state-changing request carries as X-CSRF-Token), or, on a development
// server (lotse serve --dev-tokens), a development user kept for this tab
// only and sent as "Authorization: Bearer dev:NAME".

const DEV_KEY = "lotse.devUser";

export const state = {
  session: null,       // reply of GET /api/session, or null
  loginAvailable: null, // whether the server has /api/login (null: unknown)
  devUser: sessionStorage.getItem(DEV_KEY) || "",
};

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function headers(method, extra) {
  const hd = { Accept: "application/json", ...extra };
  if (state.devUser && (!state.session || state.session.method === "dev-token")) hd.Authorization = "Bearer dev:" + state.devUser;
  if (method !== "GET" && state.session && state.session.csrf) {
    hd["X-CSRF-Token"] = state.session.csrf;
  }
  return hd;
}

async function decode(res) {
  const ct = res.headers.get("Content-Type") || "";
  const body = ct.includes("application/json") ? await res.json() : null;
  if (res.ok) return body;
  const msg = body && body.error && body.error.message
    ? body.error.message
    : "Der Server antwortet mit Status " + res.status;
  throw new ApiError(res.status, msg, body);
}

export async function get(path) {
  let res;
  try {
    res = await fetch(path, { headers: headers("GET"), credentials: "same-origin" });
  } catch (e) {
    throw new ApiError(0, "Der Server ist nicht erreichbar", null);
  }
  return decode(res);
}

export async function post(path, body) {
  let res;
  try {
    res = await fetch(path, {
      method: "POST",
      headers: headers("POST", { "Content-Type": "application/json" }),
      credentials: "same-origin",
      body: JSON.stringify(body || {}),
    });
  } catch (e) {
    throw new ApiError(0, "Der Server ist nicht erreichbar", null);
  }
  return decode(res);
}

// Upload one file with progress (XHR: fetch has no upload events).
// onProgress(loaded, total). Resolves with the JSON reply.
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    const hd = headers("POST", { "Content-Type": "application/octet-stream" });
    for (const [k, v] of Object.entries(hd)) xhr.setRequestHeader(k, v);
    xhr.withCredentials = true;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const msg = body && body.error ? body.error.message
        : "Der Server antwortet mit Status " + xhr.status;
      reject(new ApiError(xhr.status, msg, body));
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "Die Verbindung wurde unterbrochen", null)));
    xhr.send(file);
  });
}

// Ask the server who we are ({"authenticated": false} without a session;
// 401 for a session that ended; 404: this server has no login).
export async function refreshSession() {
  try {
    const s = await get("/api/session");
    state.session = s && s.authenticated ? s : null;
    state.loginAvailable = true;
  } catch (e) {
    state.session = null;
    if (e.status === 404) state.loginAvailable = false;
    else if (e.status === 401) state.loginAvailable = true;
  }
  return state.session;
}

export function setDevUser(name) {
  state.devUser = name || "";
  if (state.devUser) sessionStorage.setItem(DEV_KEY, state.devUser);
  else sessionStorage.removeItem(DEV_KEY);
}

// The name shown in the header, or "".
export function whoAmI() {
  if (state.session && state.session.user) {
    return state.session.display || state.session.user;
  }
  return state.devUser ? state.devUser + " (Entwicklungszugang)" : "";
}
