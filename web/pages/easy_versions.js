// SPDX-License-Identifier: EUPL-1.2
// web/pages/easy_versions.js — "Fassungen in Leichter Sprache". NOT BUILT YET: being written in this session.
import { message, page } from "../dom.js";

export async function render(main) {
  return page(main, "Fassungen in Leichter Sprache", message("", "Diese Seite ist noch nicht verfügbar."));
}
