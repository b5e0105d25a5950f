/**
 * The file browser ("Browse…" next to a file source's path): the folders and files of the data
 * roots (dataFiles), folders opened by a click and left through the breadcrumb, sizes and dates
 * as people read them; a selected file is previewed as its source node reads it (its columns with
 * their dtypes and the first rows, dataFilePreview), and "Use this file" (or a double click)
 * hands it to `onUse`. A file that another node type reads is shown but cannot be used here:
 * the dialog says which node reads it. Escape or a click outside closes it.
 */

import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type { Result } from "../api/canvasApi";
import {
  fetchDataFilePreview,
  fetchDataFolder,
  fileErrorText,
  type DataFileEntry,
  type DataFilePreview,
  type DataFolder,
  type FileError,
} from "../api/filesApi";
import { asRows } from "../api/outputsApi";
import { folderCrumbs, sourceLabel } from "../graph/dataFiles";
import { formatBytes, formatCell } from "../graph/gridFormat";
import "./files.css";

/** What "Use this file" hands over: enough for graph/dataFiles.ts `paramsForFile`. */
export interface ChosenFile {
  name: string;
  sourceType: string;
  sourceParams: unknown;
}

type Loaded<T> = Result<T, FileError> | null;

function failed(err: unknown): { ok: false; error: FileError } {
  return {
    ok: false,
    error: { message: String(err instanceof Error ? err.message : err), hint: "" },
  };
}

function formatModified(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function FileBrowser({
  initialFolder,
  sourceType,
  onUse,
  onClose,
}: {
  initialFolder: string;
  /** The node type the file is for: files other types read cannot be used. */
  sourceType: string;
  onUse: (file: ChosenFile) => void;
  onClose: () => void;
}) {
  const [folder, setFolder] = useState(initialFolder);
  const [listing, setListing] = useState<Loaded<DataFolder>>(null);
  const [selected, setSelected] = useState<DataFileEntry | null>(null);
  const [preview, setPreview] = useState<Loaded<DataFilePreview>>(null);
  const closeButton = useRef<HTMLButtonElement | null>(null);

  useEffect(() => closeButton.current?.focus(), []);

  useEffect(() => {
    let live = true;
    fetchDataFolder(folder)
      .catch(failed)
      .then((result) => {
        if (live) setListing(result);
      });
    return () => {
      live = false;
    };
  }, [folder]);

  const selectedPath = selected?.path ?? null;
  const previewable = selected?.kind != null;
  useEffect(() => {
    if (!selectedPath || !previewable) return;
    let live = true;
    fetchDataFilePreview(selectedPath)
      .catch(failed)
      .then((result) => {
        if (live) setPreview(result);
      });
    return () => {
      live = false;
    };
  }, [selectedPath, previewable]);

  function open(next: string) {
    setListing(null);
    setSelected(null);
    setPreview(null);
    setFolder(next);
  }

  function select(entry: DataFileEntry) {
    if (entry.path === selected?.path) return;
    setPreview(null);
    setSelected(entry);
  }

  const usable = selected !== null && selected.sourceType === sourceType;
  function chooseSelected() {
    if (!selected || !usable) return;
    const fromPreview = preview?.ok && preview.value.path === selected.path ? preview.value : null;
    onUse({
      name: selected.name,
      sourceType: selected.sourceType ?? "",
      // the preview's params read what it showed (a sniffed delimiter); else the path alone
      sourceParams: fromPreview?.sourceParams ?? { path: selected.path },
    });
  }

  let why = "";
  if (selected && !selected.kind) why = `“${selected.name}” is not a data file a source reads.`;
  else if (selected && !usable) {
    why = `“${selected.name}” is read by a ${sourceLabel(selected.sourceType ?? "")} node, not by this ${sourceLabel(sourceType)} node.`;
  }

  return createPortal(
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="modal file-browser"
        role="dialog"
        aria-modal="true"
        aria-label="Data files"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <header>
          <h2>Data files</h2>
          <button type="button" ref={closeButton} onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <nav className="file-crumbs" aria-label="Folder">
          {folderCrumbs(folder).map((crumb, i, all) =>
            i === all.length - 1 ? (
              <span key={crumb.folder} aria-current="location">
                {crumb.name}
              </span>
            ) : (
              <span key={crumb.folder}>
                <button type="button" className="link-button" onClick={() => open(crumb.folder)}>
                  {crumb.name}
                </button>
                <span className="muted"> / </span>
              </span>
            ),
          )}
        </nav>
        <div className="file-browser-body">
          <FolderList
            listing={listing}
            selected={selected}
            onOpen={open}
            onSelect={select}
            onUse={(entry) => {
              if (entry.sourceType === sourceType) {
                select(entry);
                onUse({
                  name: entry.name,
                  sourceType: entry.sourceType,
                  sourceParams:
                    preview?.ok && preview.value.path === entry.path
                      ? preview.value.sourceParams
                      : { path: entry.path },
                });
              }
            }}
          />
          <section className="file-preview" aria-label="Preview">
            {!selected ? (
              <p className="muted small">Select a file to see its columns and first rows.</p>
            ) : !selected.kind ? (
              <p className="muted small">{why}</p>
            ) : preview === null ? (
              <p className="muted small">Reading “{selected.name}”…</p>
            ) : preview.ok ? (
              <PreviewTable preview={preview.value} />
            ) : (
              <p className="field-error" role="alert">
                {fileErrorText(preview.error)}
              </p>
            )}
          </section>
        </div>
        <footer className="file-browser-footer">
          <span className="muted small">{why}</span>
          <button type="button" className="primary" disabled={!usable} onClick={chooseSelected}>
            Use this file
          </button>
        </footer>
      </div>
    </div>,
    document.body,
  );
}

function FolderList({
  listing,
  selected,
  onOpen,
  onSelect,
  onUse,
}: {
  listing: Loaded<DataFolder>;
  selected: DataFileEntry | null;
  onOpen: (folder: string) => void;
  onSelect: (entry: DataFileEntry) => void;
  onUse: (entry: DataFileEntry) => void;
}) {
  if (listing === null) return <p className="file-list muted small">Listing…</p>;
  if (!listing.ok) {
    return (
      <div className="file-list">
        <p className="field-error" role="alert">
          {fileErrorText(listing.error)}
        </p>
        <button type="button" onClick={() => onOpen("")}>
          Back to the top
        </button>
      </div>
    );
  }
  const { entries, parent, totalEntries } = listing.value;
  return (
    <div className="file-list">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Size</th>
            <th>Modified</th>
          </tr>
        </thead>
        <tbody>
          {parent !== null && (
            <tr>
              <td colSpan={3}>
                <button type="button" className="file-entry" onClick={() => onOpen(parent)}>
                  <span aria-hidden="true">↩</span> ..
                </button>
              </td>
            </tr>
          )}
          {entries.map((entry) => (
            <tr
              key={entry.path}
              className={entry.path === selected?.path ? "selected" : undefined}
              onDoubleClick={() => (entry.isFolder ? onOpen(entry.path) : onUse(entry))}
            >
              <td>
                <button
                  type="button"
                  className={`file-entry${entry.isFolder ? " file-folder" : entry.kind ? "" : " muted"}`}
                  aria-pressed={entry.isFolder ? undefined : entry.path === selected?.path}
                  onClick={() => (entry.isFolder ? onOpen(entry.path) : onSelect(entry))}
                >
                  {entry.name}
                  {entry.isFolder && "/"}
                </button>
              </td>
              <td className="num small">
                {entry.isFolder ? "" : formatBytes(entry.sizeBytes ?? 0)}
              </td>
              <td className="small muted">{formatModified(entry.modified)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p className="muted small">This folder is empty.</p>}
      {totalEntries > entries.length && (
        <p className="muted small">
          Showing {entries.length} of {totalEntries} entries.
        </p>
      )}
    </div>
  );
}

function PreviewTable({ preview }: { preview: DataFilePreview }) {
  const rows = asRows(preview.rows);
  const columns = preview.columns ?? [];
  return (
    <>
      <p className="small">
        <strong>{preview.name}</strong>{" "}
        <span className="muted">
          · {formatBytes(preview.sizeBytes)} · {sourceLabel(preview.sourceType)} · {columns.length}{" "}
          columns · first {rows.length} rows
        </span>
      </p>
      {preview.note && <p className="muted small">{preview.note}</p>}
      <div className="file-preview-grid">
        <table>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.name}>
                  {c.name}
                  <span className="file-dtype">{c.dtype}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                {columns.map((c, i) => {
                  const cell = formatCell(row[i], c.dtype);
                  return (
                    <td key={c.name} className={`cell-${cell.kind}`}>
                      {cell.text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
