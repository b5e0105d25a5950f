/** Ids for new nodes: a slug from the type id, numbered when taken (server's SLUG_PATTERN). */

const MAX_LENGTH = 63;

export function slugFromType(typeId: string): string {
  const last = typeId.split(".").pop() ?? typeId;
  let slug = last
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "");
  if (!slug) slug = "node";
  return slug.slice(0, MAX_LENGTH - 4);
}

/** `filter_rows`, or `filter_rows_2`, `filter_rows_3`... when that id is taken. */
export function freeNodeId(typeId: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = slugFromType(typeId);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The id of the edge from `source.sourcePort` to `target.targetPort` (one edge per input). */
export function edgeId(source: string, sourcePort: string, target: string, targetPort: string) {
  return `${source}.${sourcePort}->${target}.${targetPort}`;
}

/**
 * An id for a copy of node `id`: the id itself when free, else its stem (without a `_<n>` suffix)
 * numbered, so copies of `revenue` and of `revenue_2` are both `revenue_3` and not `revenue_2_2`.
 */
export function freeCopyId(id: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (/^[a-z][a-z0-9_]{0,62}$/.test(id) && !used.has(id)) return id;
  const stem = slugFromType(id.replace(/_\d+$/, ""));
  if (!used.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** `group`, or `group_2`, `group_3`... when taken. */
export function freeGroupId(taken: Iterable<string>): string {
  return freeNodeId("group", taken);
}
