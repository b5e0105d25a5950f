/**
 * The app's hash routes (they work under any static server): `#/` (or nothing) lists workflows,
 * `#/w/<id>` opens one; anything else is a page that does not exist.
 */

export type Route = { page: "list" } | { page: "workflow"; id: string } | { page: "missing" };

export function parseRoute(hash: string): Route {
  if (hash === "" || hash === "#" || hash === "#/") return { page: "list" };
  const match = /^#\/w\/([^/]+)\/?$/.exec(hash);
  if (!match?.[1]) return { page: "missing" };
  try {
    return { page: "workflow", id: decodeURIComponent(match[1]) };
  } catch {
    return { page: "missing" }; // a malformed %-escape
  }
}

export function workflowHash(id: string): string {
  return `#/w/${encodeURIComponent(id)}`;
}

export const LIST_HASH = "#/";

const APP_NAME = "Visual ML Canvas";

/** The browser tab's title for a page (a workflow's name while it loads is not known yet). */
export function pageTitle(route: Route, workflowName: string | null): string {
  switch (route.page) {
    case "list":
      return `Workflows · ${APP_NAME}`;
    case "workflow":
      return workflowName ? `${workflowName} · ${APP_NAME}` : APP_NAME;
    case "missing":
      return `Page not found · ${APP_NAME}`;
  }
}

/** A file name for a workflow's export: its slug, kept to safe characters. */
export function exportFileName(slug: string): string {
  const safe = slug.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[._]+/, "");
  return `${safe || "workflow"}.json`;
}
