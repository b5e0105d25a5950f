/**
 * Column pickers of the properties form, fed by the columns the server infers for the node's
 * input (graph/paramsForm.ts `inputColumns`): a combobox for one column (type to filter, arrows
 * and Enter to pick, the dtype and the column's role shown as badges), and an ordered include
 * list of chips for several (add with the combobox, remove, move up and down: KNIME's column
 * filter, in small). A column's role (node_library/roles.py) shows when it is not the default
 * `feature`: the target highlighted, id and ignore muted. A name that
 * is not among the input's columns may still be typed (the input may not be known before a run);
 * when the input is known it is flagged "not in the input". Also the suggestion list both these
 * and the expression editor drop down.
 */

import {
  memo,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { rankColumns, type ColumnInfo } from "../graph/paramsForm";
import "./properties.css";

export interface Suggestion {
  key: string;
  label: string;
  /** A dtype or a signature, shown beside the label. */
  detail?: string;
  /** "column", "function", "keyword"...: styles the entry's icon. */
  kind?: string;
  /** A column's role (target, id, ignore), shown as a badge. */
  role?: string;
}

/** A dropped-down list of suggestions; the input keeps the focus (aria-activedescendant). */
export const SuggestionList = memo(function SuggestionList({
  id,
  items,
  active,
  onPick,
  onHover,
  footer,
}: {
  id: string;
  items: readonly Suggestion[];
  active: number;
  onPick: (index: number) => void;
  onHover: (index: number) => void;
  footer?: ReactNode;
}) {
  const list = useRef<HTMLUListElement | null>(null);
  useEffect(() => {
    list.current
      ?.querySelector<HTMLElement>(`[data-index="${active}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }, [active]);
  return (
    <div className="suggest">
      <ul className="suggest-list" id={id} role="listbox" ref={list}>
        {items.map((item, i) => (
          <li
            key={item.key}
            id={`${id}-${i}`}
            data-index={i}
            role="option"
            aria-selected={i === active}
            className={`suggest-item${i === active ? " active" : ""}`}
            // mousedown, not click: the input must not lose the focus first
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(i);
            }}
            onMouseMove={() => i !== active && onHover(i)}
          >
            {item.kind && <span className={`suggest-kind kind-${item.kind}`} aria-hidden />}
            <span className="suggest-label">{item.label}</span>
            {item.role && <RoleBadge role={item.role} />}
            {item.detail && <span className="suggest-detail">{item.detail}</span>}
          </li>
        ))}
      </ul>
      {footer && <div className="suggest-footer">{footer}</div>}
    </div>
  );
});

/** A column's dtype as a small badge. */
export function DtypeBadge({ dtype }: { dtype: string }) {
  return dtype ? <span className={`dtype dtype-${dtype}`}>{dtype}</span> : null;
}

const ROLE_TITLES: Readonly<Record<string, string>> = {
  target:
    "Target: the column models predict and metrics score (set by the source or a Set roles node)",
  id: "Id: names a row; models and feature nodes leave it out",
  ignore: "Ignore: models and feature nodes leave it out",
};

/** A column's role as a small badge; nothing for `feature`, every column's role by default. */
export function RoleBadge({ role }: { role: string | undefined }) {
  if (!role || role === "feature") return null;
  return (
    <span className={`column-role role-${role}`} title={ROLE_TITLES[role] ?? role}>
      {role}
    </span>
  );
}

/** "not in the input" for a name the known input lacks; nothing otherwise. */
function MissingFlag({ name, columns, known }: ColumnsProps & { name: string }) {
  if (!known || name === "" || columns.some((c) => c.name === name)) return null;
  return (
    <span className="column-missing" title="The input has no column of this name">
      not in the input
    </span>
  );
}

interface ColumnsProps {
  columns: readonly ColumnInfo[];
  /** Whether the input's columns are known (so that a name missing from them is an error). */
  known: boolean;
}

interface ComboboxProps extends ColumnsProps {
  id: string;
  value: string;
  placeholder?: string;
  label?: string;
  /** Names not to offer (the chips already chosen). */
  exclude?: ReadonlySet<string>;
  onChange: (text: string) => void;
  /** A column picked from the list, or the typed name confirmed with Enter. */
  onPick: (name: string) => void;
}

/** A text input with a drop-down of the input's columns. */
export const ColumnCombobox = memo(function ColumnCombobox({
  id,
  value,
  columns,
  placeholder,
  label,
  exclude,
  onChange,
  onPick,
}: ComboboxProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  // Typing filters by the text; opening an input that holds a name shows every column.
  const [filtering, setFiltering] = useState(false);
  const [active, setActive] = useState(0);
  const items = useMemo(
    () => rankColumns(columns, filtering ? value : "", exclude),
    [columns, exclude, filtering, value],
  );
  const shown = open && items.length > 0;
  const current = Math.min(active, Math.max(0, items.length - 1));

  function pick(index: number) {
    const item = items[index];
    if (!item) return;
    onPick(item.name);
    setOpen(false);
    setFiltering(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!shown) {
        setOpen(true);
        setActive(0);
        return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + items.length) % items.length);
    } else if (event.key === "Enter") {
      if (shown) {
        event.preventDefault();
        pick(current);
      } else if (value.trim() !== "") {
        event.preventDefault();
        onPick(value.trim());
      }
    } else if (event.key === "Escape" && shown) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  return (
    <div className="combobox">
      <input
        id={id}
        type="text"
        role="combobox"
        aria-label={label}
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown ? `${listId}-${current}` : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        onChange={(e) => {
          onChange(e.target.value);
          setFiltering(true);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => {
          setFiltering(false);
          setOpen(true);
          setActive(
            Math.max(
              0,
              items.findIndex((c) => c.name === value),
            ),
          );
        }}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {shown && (
        <SuggestionList
          id={listId}
          items={items.map((c) => ({ key: c.name, label: c.name, detail: c.dtype, role: c.role }))}
          active={current}
          onPick={pick}
          onHover={setActive}
        />
      )}
    </div>
  );
});

/** One column: the combobox, the picked column's dtype and a "not in the input" flag. */
export const ColumnSelect = memo(function ColumnSelect({
  id,
  value,
  columns,
  known,
  placeholder,
  onChange,
}: ColumnsProps & {
  id: string;
  value: string;
  placeholder?: string;
  onChange: (name: string) => void;
}) {
  const picked = columns.find((c) => c.name === value);
  const dtype = picked?.dtype ?? "";
  return (
    <div className="column-select">
      <ColumnCombobox
        id={id}
        value={value}
        columns={columns}
        known={known}
        placeholder={placeholder ?? (columns.length > 0 ? "Pick a column" : "Column name")}
        onChange={onChange}
        onPick={onChange}
      />
      {(dtype || (known && value)) && (
        <div className="column-status">
          <DtypeBadge dtype={dtype} />
          <RoleBadge role={picked?.role} />
          <MissingFlag name={value} columns={columns} known={known} />
        </div>
      )}
    </div>
  );
});

/** Several columns, in order: chips with move and remove buttons, and a combobox to add more. */
export const ColumnChips = memo(function ColumnChips({
  id,
  value,
  columns,
  known,
  onChange,
}: ColumnsProps & {
  id: string;
  value: readonly string[];
  onChange: (names: string[]) => void;
}) {
  const [adding, setAdding] = useState("");
  const chosen = useMemo(() => new Set(value), [value]);
  const rest = columns.filter((c) => !chosen.has(c.name));

  function add(name: string) {
    setAdding("");
    if (name !== "" && !chosen.has(name)) onChange([...value, name]);
  }

  function move(index: number, step: -1 | 1) {
    const next = [...value];
    const [item] = next.splice(index, 1);
    if (item === undefined) return;
    next.splice(index + step, 0, item);
    onChange(next);
  }

  return (
    <div className="column-chips">
      {value.length > 0 && (
        <ol className="chips" aria-label="Chosen columns">
          {value.map((name, i) => (
            <li key={`${name}-${i}`} className="chip">
              <span className="chip-name" title={name}>
                {name}
              </span>
              <DtypeBadge dtype={columns.find((c) => c.name === name)?.dtype ?? ""} />
              <RoleBadge role={columns.find((c) => c.name === name)?.role} />
              <MissingFlag name={name} columns={columns} known={known} />
              <span className="chip-actions">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${name} up`}
                  title="Move up"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${name} down`}
                  title="Move down"
                  disabled={i === value.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${name}`}
                  title="Remove"
                  onClick={() => onChange(value.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      <ColumnCombobox
        id={id}
        value={adding}
        columns={columns}
        known={known}
        exclude={chosen}
        label="Add a column"
        placeholder={rest.length > 0 ? "Add a column…" : "Type a column name, Enter adds it"}
        onChange={setAdding}
        onPick={add}
      />
      {(rest.length > 0 || value.length > 0) && (
        <div className="chips-bulk">
          {rest.length > 0 && (
            <button
              type="button"
              className="link-button"
              onClick={() => onChange([...value, ...rest.map((c) => c.name)])}
            >
              Add all ({rest.length})
            </button>
          )}
          {value.length > 0 && (
            <button type="button" className="link-button" onClick={() => onChange([])}>
              Clear
            </button>
          )}
        </div>
      )}
    </div>
  );
});
