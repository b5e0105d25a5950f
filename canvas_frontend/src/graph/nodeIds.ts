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
