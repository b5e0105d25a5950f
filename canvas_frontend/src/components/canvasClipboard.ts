/**
 * The in-memory copy of the last nodes this page copied: the fallback when the system clipboard
 * cannot be read or written (no clipboard event, an insecure origin). Module state, so it
 * survives switching workflows.
 */

let lastCopied: string | null = null;

export function rememberCopied(text: string): void {
  lastCopied = text;
}

export function lastCopiedText(): string | null {
  return lastCopied;
}
