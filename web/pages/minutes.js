// SPDX-License-Identifier: EUPL-1.2
// web/pages/minutes.js — "Protokolle". NOT BUILT YET: being written in this session.
import { message, page } from "../dom.js";

export async function render(main) {
  return page(main, "Protokolle", message("", "Diese Seite ist noch nicht verfügbar."));
}
