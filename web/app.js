// SPDX-License-Identifier: EUPL-1.2
// web/app.js — the router: "#/seite/…" picks a page module, which renders
// into <main>. Focus moves to the new page's heading so keyboard and
// screen-reader users land on the content.
import { refreshSession, whoAmI, state } from "./api.js";
import { message, page } from "./dom.js";
import * as login from "./pages/login.js";
import * as search from "./pages/search.js";
import * as doc from "./pages/document.js";
import * as upload from "./pages/upload.js";
import * as drafts from "./pages/drafts.js";
import * as apps from "./pages/apps.js";
import * as audit from "./pages/audit.js";
import * as cockpit from "./pages/cockpit.js";
import * as admin from "./pages/admin.js";
import * as write from "./pages/write.js";
import * as easy from "./pages/easy.js";
import * as easyVersions from "./pages/easy_versions.js";
import * as minutes from "./pages/minutes.js";

const PAGES = {
  suche: search, dokument: doc, hochladen: upload, entwuerfe: drafts,
  anwendungen: apps, audit, cockpit, verwaltung: admin, anmelden: login,
  schreiben: write, "leichte-sprache": easy, fassungen: easyVersions,
  protokolle: minutes,
};

const main = document.getElementById("inhalt");

export function updateWhoAmI() {
  const name = whoAmI();
  document.getElementById("whoami").textContent =
    name ? "Angemeldet: " + name : "Nicht angemeldet";
  const link = document.getElementById("nav-login");
  link.textContent = name ? "Abmelden / Konto" : "Anmelden";
}

async function route() {
  const hash = location.hash || "#/suche";
  if (!hash.startsWith("#/")) return; // e.g. the skip link target
  // "#/seite/a/b?k=v": the query goes to the page as opts.query.
  const [target, query = ""] = hash.slice(2).split("?");
  const [name, ...args] = target.split("/").map(decodeURIComponent);
  const mod = PAGES[name];
  for (const a of document.querySelectorAll(".site-nav a")) {
    if (a.getAttribute("href") === "#/" + name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  let h1;
  if (!mod) {
    h1 = page(main, "Seite nicht gefunden",
      message("error", "Diese Seite gibt es nicht."));
  } else {
    try {
      h1 = await mod.render(main, args, { onAuthChange: updateWhoAmI,
        query: new URLSearchParams(query) });
    } catch (e) {
      h1 = page(main, "Fehler", message("error", e.message));
    }
  }
  if (h1 && state.routed) h1.focus();
  state.routed = true;
}

document.querySelector(".skip-link").addEventListener("click", (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);

refreshSession().finally(() => {
  updateWhoAmI();
  route();
});
