// SPDX-License-Identifier: EUPL-1.2
// web/pages/login.js — "Anmelden": user name and password (POST
// /api/login), then the six-digit code of the authenticator app when the
// server asks for it; "Abmelden" (POST /api/logout, then on to the
// identity provider's logout when the server names one: single sign-on
// ends there too). The single sign-on link is offered when GET
// /api/session says it is set up (sso.enabled, sso.label). On a
// development server also the development access (a user name, no
// password).
import { get, post, refreshSession, setDevUser, state } from "../api.js";
import { h, message, page, field } from "../dom.js";

function needsTotp(err) {
  const b = err && err.body;
  if (!b) return false;
  if (b.totp_required || (b.error && (b.error.reason === "totp_required" ||
      b.error.totp_required))) return true;
  return false;
}

function loginForm(out, ctx) {
  const user = field("Benutzername", "input", { type: "text", name: "user", autocomplete: "username", required: true });
  const pass = field("Passwort", "input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const totp = field("Sicherheitscode (6 Ziffern aus der Authenticator-App)", "input",
    { type: "text", name: "totp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6" });
  const totpBox = h("div", { hidden: true }, totp.nodes);
  const form = h("form", { "aria-labelledby": "login-h" },
    h("h2", { id: "login-h" }, "Mit Benutzerkonto anmelden"),
    user.nodes, pass.nodes, totpBox, h("button", { type: "submit" }, "Anmelden"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { user: user.input.value.trim(), password: pass.input.value };
    if (!totpBox.hidden && totp.input.value) body.totp = totp.input.value.trim();
    try {
      const r = await post("/api/login", body);
      if (r && r.totp_required) {
        totpBox.hidden = false;
        out.replaceChildren(message("warn", "Bitte geben Sie den Sicherheitscode ein."));
        totp.input.focus();
        return;
      }
      setDevUser("");
      await refreshSession();
      ctx.onAuthChange();
      out.replaceChildren(message("ok", "Sie sind angemeldet."));
      location.hash = "#/suche";
    } catch (err) {
      if (needsTotp(err)) {
        totpBox.hidden = false;
        out.replaceChildren(message("warn", err.message));
        totp.input.focus();
        return;
      }
      out.replaceChildren(message("error", "Anmeldung fehlgeschlagen: " + err.message));
    }
  });
  return form;
}

function devForm(out, ctx) {
  const name = field("Benutzername (Entwicklungszugang)", "input",
    { type: "text", name: "devuser", autocomplete: "off", value: state.devUser },
    "Nur für Server, die mit „lotse serve --dev-tokens“ laufen: kein Passwort, nur für Tests und Vorführungen.");
  const form = h("form", { "aria-labelledby": "dev-h" },
    h("h2", { id: "dev-h" }, "Entwicklungszugang"), name.nodes,
    h("button", { type: "submit", class: "secondary" }, "Als dieser Benutzer arbeiten"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = name.input.value.trim();
    setDevUser(v);
    ctx.onAuthChange();
    if (!v) {
      out.replaceChildren(message("ok", "Entwicklungszugang beendet."));
      return;
    }
    try {
      await get("/api/drafts?limit=1"); // needs a named user: checks the token
      out.replaceChildren(message("ok", "Sie arbeiten jetzt als „" + v + "“."));
    } catch (err) {
      setDevUser("");
      ctx.onAuthChange();
      out.replaceChildren(message("error", "Entwicklungszugang abgelehnt: " + err.message));
    }
  });
  return form;
}

function accountView(out, ctx) {
  const s = state.session;
  const button = h("button", { type: "button" }, "Abmelden");
  button.addEventListener("click", async () => {
    try {
      const r = s ? await post("/api/logout", {}) : null;
      setDevUser("");
      await refreshSession();
      ctx.onAuthChange();
      if (r && typeof r.redirect === "string" && /^https?:\/\//.test(r.redirect)) {
        out.replaceChildren(message("ok", "Sie sind abgemeldet; die Abmeldung beim Landkreis-Konto folgt."));
        location.assign(r.redirect);
        return;
      }
      out.replaceChildren(message("ok", "Sie sind abgemeldet."));
      location.hash = "#/anmelden";
    } catch (err) {
      out.replaceChildren(message("error", "Abmelden fehlgeschlagen: " + err.message));
    }
  });
  const rows = s ? [["Benutzer", s.user], ["Name", s.display || "–"], ["Organisationseinheit", s.unit || "–"],
    ["Rollen", (s.roles || []).join(", ") || "keine"]] : [["Entwicklungszugang", state.devUser]];
  return h("section", { "aria-labelledby": "konto-h" }, h("h2", { id: "konto-h" }, "Ihr Konto"),
    h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])), button);
}

// Whether the server offers single sign-on, and the link's text: GET
// /api/session answers it for anonymous callers too (sso.enabled).
async function ssoOffer() {
  try {
    const s = await get("/api/session");
    return s && s.sso && s.sso.enabled ? (s.sso.label || "Single Sign-on") : null;
  } catch (e) {
    return null;
  }
}

export async function render(main, args, ctx) {
  await refreshSession();
  const out = h("div", { "aria-live": "polite" });
  const parts = [];
  if (state.session || state.devUser) parts.push(accountView(out, ctx));
  if (!state.session) {
    if (state.loginAvailable === false) {
      parts.push(message("warn", "Die Anmeldung mit Benutzerkonto ist auf diesem Server noch nicht eingerichtet."));
    } else {
      parts.push(loginForm(out, ctx));
      const label = await ssoOffer();
      if (label) parts.push(h("p", {}, h("a", { href: "/auth/oidc/login" }, label)));
    }
    parts.push(devForm(out, ctx));
  }
  return page(main, state.session || state.devUser ? "Konto" : "Anmelden", out, parts);
}
