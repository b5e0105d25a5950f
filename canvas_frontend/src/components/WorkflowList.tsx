/**
 * The workflow list: search, create (asks for a name, then opens the new workflow), start from an
 * example, import a JSON file, and per workflow open, rename inline, duplicate, export JSON and
 * delete (after a confirmation that says what goes). With no workflows yet, a first-run page
 * teaches the first steps and puts the examples one click away.
 */

import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
} from "react";
import type { Result } from "../api/canvasApi";
import {
  createFromTemplate,
  createWorkflow,
  deleteWorkflow,
  duplicateWorkflow,
  exportWorkflow,
  fetchTemplates,
  fetchWorkflowCards,
  importWorkflowFile,
  renameWorkflow,
  type Template,
  type UserError,
  type WorkflowCard,
} from "../api/workflowsApi";
import { exportFileName } from "../graph/routes";
import { DagsterLink } from "./DagsterLink";
import { ThemeToggle } from "./ThemeToggle";
import "./workflows.css";

interface Message {
  kind: "error" | "info";
  text: string;
}

const SEARCH_DELAY_MS = 200;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function download(fileName: string, document: unknown): void {
  const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Run one API call; a thrown error (network, permission) becomes an error result. */
async function attempt<T>(
  call: () => Promise<Result<T, UserError>>,
): Promise<Result<T, UserError>> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, error: { message: errorText(err) } };
  }
}

function TemplateCards({
  templates,
  onUse,
  busy,
}: {
  templates: Template[] | null;
  onUse: (template: Template) => void;
  busy: boolean;
}) {
  if (templates === null) return <p className="muted">Loading examples…</p>;
  if (templates.length === 0) return <p className="muted">No examples are installed.</p>;
  return (
    <ul className="template-grid">
      {templates.map((t) => (
        <li key={t.id} className="template-card">
          <h3>{t.name}</h3>
          <p className="muted">{t.description}</p>
          <p className="muted small">{plural(t.nodeCount, "node")}</p>
          <button type="button" className="primary" disabled={busy} onClick={() => onUse(t)}>
            Start from “{t.name}”
          </button>
        </li>
      ))}
    </ul>
  );
}

function CreateForm({
  onCreate,
  onCancel,
  busy,
}: {
  onCreate: (name: string) => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const [name, setName] = useState("Untitled workflow");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCreate(name);
  };
  return (
    <form className="wf-create" onSubmit={submit} aria-label="New workflow">
      <label>
        Name of the new workflow
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          onFocus={(e) => e.target.select()}
          onKeyDown={(e) => e.key === "Escape" && onCancel()}
          autoFocus
          maxLength={200}
        />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Create and open
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

interface RowActions {
  onOpen: (id: string) => void;
  onRename: (card: WorkflowCard, name: string) => Promise<boolean>;
  onDuplicate: (card: WorkflowCard) => void;
  onExport: (card: WorkflowCard) => void;
  onDelete: (card: WorkflowCard) => void;
}

const WorkflowRow = memo(function WorkflowRow({
  card,
  actions,
  highlighted,
}: {
  card: WorkflowCard;
  actions: RowActions;
  highlighted: boolean;
}) {
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [draft, setDraft] = useState(card.name);
  const nameId = useId();

  const saveName = async (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() === card.name) {
      setMode("view");
      return;
    }
    if (await actions.onRename(card, draft)) setMode("view");
  };

  return (
    <li className={`wf-row${highlighted ? " wf-row-new" : ""}`}>
      {mode === "rename" ? (
        <form className="wf-rename" onSubmit={saveName}>
          <input
            aria-label="New name"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                setDraft(card.name);
                setMode("view");
              }
            }}
            onFocus={(e) => e.target.select()}
            autoFocus
            maxLength={200}
          />
          <button type="submit" className="primary">
            Save
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(card.name);
              setMode("view");
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="wf-open" onClick={() => actions.onOpen(card.id)}>
          <strong id={nameId} className="wf-name">
            {card.name}
          </strong>
          {card.description && <span className="muted">{card.description}</span>}
          <span className="muted small">
            {card.slug} · {plural(card.nodeCount, "node")} · revision {card.revision} · updated{" "}
            {new Date(card.updatedAt).toLocaleString()}
          </span>
        </button>
      )}
      {mode === "delete" ? (
        <div className="wf-confirm" role="group" aria-label="Confirm delete">
          <p>
            Delete <strong>“{card.name}”</strong> for everyone? Its {plural(card.nodeCount, "node")}
            , all {plural(card.revision, "saved revision")} and its edit history are removed.
            Results of past runs stay in storage. This cannot be undone.
          </p>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setMode("view");
              actions.onDelete(card);
            }}
          >
            Delete workflow
          </button>
          <button type="button" onClick={() => setMode("view")} autoFocus>
            Cancel
          </button>
        </div>
      ) : (
        mode === "view" && (
          <div className="wf-actions">
            <button
              type="button"
              onClick={() => {
                setDraft(card.name);
                setMode("rename");
              }}
              aria-describedby={nameId}
            >
              Rename
            </button>
            <button
              type="button"
              onClick={() => actions.onDuplicate(card)}
              aria-describedby={nameId}
            >
              Duplicate
            </button>
            <button type="button" onClick={() => actions.onExport(card)} aria-describedby={nameId}>
              Export JSON
            </button>
            <button
              type="button"
              className="danger-quiet"
              onClick={() => setMode("delete")}
              aria-describedby={nameId}
            >
              Delete
            </button>
          </div>
        )
      )}
    </li>
  );
});

export function WorkflowList({ onOpen }: { onOpen: (id: string) => void }) {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<WorkflowCard[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [creating, setCreating] = useState(false);
  const [showExamples, setShowExamples] = useState(false);
  const [busy, setBusy] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);

  // Typing waits for a pause; a refresh after an action fetches at once.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    let live = true;
    fetchWorkflowCards(query).then(
      (found) => {
        if (!live) return;
        setItems(found);
        setLoadError(null);
      },
      (err: unknown) => live && setLoadError(`Could not load the workflows: ${errorText(err)}`),
    );
    return () => {
      live = false;
    };
  }, [query, reloads]);

  useEffect(() => {
    let live = true;
    fetchTemplates().then(
      (found) => live && setTemplates(found),
      () => live && setTemplates([]),
    );
    return () => {
      live = false;
    };
  }, []);

  const refresh = useCallback(() => setReloads((n) => n + 1), []);

  /** Run an action that creates a workflow, then open it. */
  const createAndOpen = useCallback(
    async (what: string, call: () => Promise<Result<WorkflowCard, UserError>>) => {
      setBusy(true);
      const result = await attempt(call);
      setBusy(false);
      if (result.ok) onOpen(result.value.id);
      else setMessage({ kind: "error", text: `Could not ${what}: ${result.error.message}` });
    },
    [onOpen],
  );

  const startFromTemplate = useCallback(
    (t: Template) => void createAndOpen(`start from “${t.name}”`, () => createFromTemplate(t.id)),
    [createAndOpen],
  );
  const create = useCallback(
    (name: string) => void createAndOpen("create the workflow", () => createWorkflow(name)),
    [createAndOpen],
  );

  const importFile = useCallback(
    async (file: File) => {
      setBusy(true);
      const result = await attempt(async () => importWorkflowFile(await file.text()));
      setBusy(false);
      if (result.ok) {
        setMessage({ kind: "info", text: `Imported “${result.value.name}” from ${file.name}.` });
        setHighlight(result.value.id);
        setSearch("");
        setQuery("");
        refresh();
      } else {
        setMessage({
          kind: "error",
          text: `Could not import ${file.name}: ${result.error.message}. Nothing was imported.`,
        });
      }
    },
    [refresh],
  );

  const actions = useMemo<RowActions>(
    () => ({
      onOpen,
      onRename: async (card, name) => {
        const result = await attempt(() => renameWorkflow(card.id, name));
        if (!result.ok) {
          setMessage({ kind: "error", text: `Could not rename: ${result.error.message}` });
          return false;
        }
        setMessage({ kind: "info", text: `Renamed to “${result.value.name}”.` });
        refresh();
        return true;
      },
      onDuplicate: async (card) => {
        const result = await attempt(() => duplicateWorkflow(card.id));
        if (!result.ok) {
          setMessage({ kind: "error", text: `Could not duplicate: ${result.error.message}` });
          return;
        }
        setMessage({ kind: "info", text: `Duplicated as “${result.value.name}”.` });
        setHighlight(result.value.id);
        refresh();
      },
      onExport: async (card) => {
        const result = await attempt(() => exportWorkflow(card.id));
        if (!result.ok) {
          setMessage({ kind: "error", text: `Could not export: ${result.error.message}` });
          return;
        }
        download(exportFileName(card.slug), result.value);
      },
      onDelete: async (card) => {
        const result = await attempt(() => deleteWorkflow(card.id));
        if (!result.ok) {
          setMessage({ kind: "error", text: `Could not delete: ${result.error.message}` });
          return;
        }
        setMessage({ kind: "info", text: `Deleted “${card.name}”.` });
        refresh();
      },
    }),
    [onOpen, refresh],
  );

  const firstRun = items !== null && items.length === 0 && query === "" && !loadError;

  return (
    <main className="wf-page">
      <header className="wf-header">
        <h1>Workflows</h1>
        <span className="spacer" />
        <DagsterLink />
        <ThemeToggle />
      </header>
      <div className="wf-toolbar">
        <input
          className="search"
          type="search"
          placeholder="Search workflows"
          aria-label="Search workflows"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New workflow
        </button>
        {!firstRun && (
          <button
            type="button"
            aria-expanded={showExamples}
            onClick={() => setShowExamples((v) => !v)}
          >
            From an example
          </button>
        )}
        <button type="button" onClick={() => fileInput.current?.click()} disabled={busy}>
          Import JSON
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          aria-label="Workflow file to import"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = ""; // picking the same file again still imports it
            if (file) void importFile(file);
          }}
        />
      </div>
      {creating && <CreateForm onCreate={create} onCancel={() => setCreating(false)} busy={busy} />}
      {message && (
        <div
          className={`notice notice-${message.kind}`}
          role={message.kind === "error" ? "alert" : "status"}
        >
          {message.text}
          <button type="button" onClick={() => setMessage(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {loadError && <p className="error">{loadError}</p>}
      {items === null && !loadError && <p className="muted">Loading…</p>}

      {firstRun ? (
        <section className="first-run" aria-labelledby="first-run-title">
          <h2 id="first-run-title">Start from an example</h2>
          <p className="muted">
            Open a ready-made workflow, run it, then change it to fit your own data.
          </p>
          <TemplateCards templates={templates} onUse={startFromTemplate} busy={busy} />
          <div className="first-run-empty">
            <button type="button" onClick={() => setCreating(true)}>
              Create an empty workflow
            </button>
            <ol className="first-run-steps" aria-label="How a workflow is built">
              <li>
                <strong>Drag a data source</strong> from the palette onto the canvas.
              </li>
              <li>
                <strong>Connect</strong> its output to a transform, a model or a chart.
              </li>
              <li>
                Press <strong>Run</strong>: every node computes and shows its result.
              </li>
            </ol>
          </div>
        </section>
      ) : (
        <>
          {showExamples && (
            <section className="wf-examples" aria-label="Examples">
              <TemplateCards templates={templates} onUse={startFromTemplate} busy={busy} />
            </section>
          )}
          {items !== null && items.length === 0 && (
            <p className="muted">No workflow matches “{query}”.</p>
          )}
          <ul className="wf-rows">
            {items?.map((card) => (
              <WorkflowRow
                key={card.id}
                card={card}
                actions={actions}
                highlighted={card.id === highlight}
              />
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
