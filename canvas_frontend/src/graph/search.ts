/**
 * Typo-tolerant search over the node palette (pure, tested). Every word of the query must match a
 * word of the entry's name, type id, tags or description: exactly, as a prefix, as a substring,
 * within a small edit distance, or as a subsequence, in decreasing score. The name counts most,
 * then tags and the type id, then the description.
 */

export interface SearchEntry {
  typeId: string;
  displayName: string;
  category: string;
  description: string;
  tags: readonly string[];
}

export interface SearchHit<T extends SearchEntry> {
  entry: T;
  score: number;
}

const FIELD_WEIGHT = { name: 1, tags: 0.9, typeId: 0.8, description: 0.5 } as const;

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), giving up (returning limit + 1) once it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  const distance = prev[b.length] ?? limit + 1;
  return distance > limit ? limit + 1 : distance;
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i += 1;
  return i === needle.length;
}

/** How well one query word matches one word of the entry (0: not at all). */
export function wordScore(query: string, word: string): number {
  if (word === query) return 100;
  if (word.startsWith(query)) return 80;
  if (query.length >= 3 && word.includes(query)) return 60;
  if (query.length >= 4) {
    const limit = query.length >= 7 ? 2 : 1;
    // A typo in the whole word or in the prefix the user has typed so far.
    const whole = editDistance(query, word, limit);
    const prefix = editDistance(query, word.slice(0, query.length), limit);
    if (Math.min(whole, prefix) <= limit) return 40;
  }
  if (query.length >= 3 && query[0] === word[0] && isSubsequence(query, word)) return 20;
  return 0;
}

function fieldWords(entry: SearchEntry): [number, string[]][] {
  return [
    [FIELD_WEIGHT.name, words(entry.displayName)],
    [FIELD_WEIGHT.tags, entry.tags.flatMap(words)],
    [FIELD_WEIGHT.typeId, words(entry.typeId)],
    [FIELD_WEIGHT.description, words(entry.description)],
  ];
}

/** The entry's score for the query; 0 when some query word matches nothing. */
export function scoreEntry(entry: SearchEntry, query: string): number {
  const terms = words(query);
  if (terms.length === 0) return 1;
  const fields = fieldWords(entry);
  let total = 0;
  for (const term of terms) {
    let best = 0;
    for (const [weight, list] of fields) {
      for (const word of list) best = Math.max(best, weight * wordScore(term, word));
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

/** Matching entries, best first (ties by name); every entry in name order for an empty query. */
export function searchEntries<T extends SearchEntry>(
  entries: readonly T[],
  query: string,
): SearchHit<T>[] {
  return entries
    .map((entry) => ({ entry, score: scoreEntry(entry, query) }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.entry.displayName.localeCompare(b.entry.displayName));
}

/** The order a workflow is built in, for browsing the palette; other categories follow by name. */
export const CATEGORY_ORDER: readonly string[] = [
  "sources",
  "transforms",
  "split",
  "features",
  "models",
  "tune",
  "evaluate",
  "outputs",
];

function categoryRank(category: string): number {
  const index = CATEGORY_ORDER.indexOf(category);
  return index === -1 ? CATEGORY_ORDER.length : index;
}

/**
 * Every entry as a hit, in the order a workflow is built (category, then name): what a quick-add
 * list shows before anything is typed, so nothing falls past its end.
 */
export function browseEntries<T extends SearchEntry>(entries: readonly T[]): SearchHit<T>[] {
  return [...entries]
    .sort(
      (a, b) =>
        categoryRank(a.category) - categoryRank(b.category) ||
        a.category.localeCompare(b.category) ||
        a.displayName.localeCompare(b.displayName),
    )
    .map((entry) => ({ entry, score: 1 }));
}

/**
 * Hits grouped by category: while searching, categories in the order of their best hit; while
 * browsing (`browsing`: no query), in the order a workflow is built (CATEGORY_ORDER).
 */
export function groupByCategory<T extends SearchEntry>(
  hits: readonly SearchHit<T>[],
  browsing = false,
): { category: string; entries: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const hit of hits) {
    const list = groups.get(hit.entry.category);
    if (list) list.push(hit.entry);
    else groups.set(hit.entry.category, [hit.entry]);
  }
  const grouped = [...groups].map(([category, entries]) => ({ category, entries }));
  if (!browsing) return grouped;
  return grouped.sort(
    (a, b) =>
      categoryRank(a.category) - categoryRank(b.category) || a.category.localeCompare(b.category),
  );
}
