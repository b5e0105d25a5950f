/**
 * The properties panel: the selected node's label, its run status with the per-node run actions
 * (NodeRunStatus.tsx), and its params as a form built from its params JSON schema
 * (graph/paramsForm.ts), one field each (properties/ParamField.tsx). Params that do not apply to
 * the node's current settings are hidden (graph/fieldVisibility.ts: a split's time column only
 * for the time-ordered method). A tuning node's search space is edited row by row against the
 * hyperparameters of the model connected to its `model` input (properties/SearchSpaceEditor.tsx).
 * The server's validation issues for a param show under it; the rest underneath. Edits are kept
 * as a draft and committed as one update_params op after a pause (usePropertiesDraft.ts), so a
 * burst of typing is one undo step.
 */

import { useCallback, useMemo } from "react";
import { effectiveValue, hiddenFields, visibilityRules } from "../graph/fieldVisibility";
import { issuesOfNode } from "../graph/issuesByNode";
import { fieldsFromSchema, inputColumns, outputColumns } from "../graph/paramsForm";
import { hyperparameters, searchSpaceParam } from "../graph/searchSpace";
import { singleSelectedId } from "../graph/selection";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { NodeRunStatus } from "./NodeRunStatus";
import type { ColumnsFor } from "./properties/FieldControl";
import { ParamField } from "./properties/ParamField";
import type { SearchSpaceSetting } from "./properties/SearchSpaceEditor";
import { LearnMoreButton } from "./NodeDocs";
import type { Commit } from "./useGraphCommit";
import { usePropertiesDraft } from "./usePropertiesDraft";
import "./properties.css";

export function PropertiesPanel({ commit }: { commit: Commit }) {
  const selectedId = useWorkflowStore((s) => singleSelectedId(s.nodes));
  return (
    <aside className="properties" aria-label="Properties">
      {selectedId ? (
        <NodeProperties key={selectedId} nodeId={selectedId} commit={commit} />
      ) : (
        <p className="muted small">Select a node to edit its parameters.</p>
      )}
    </aside>
  );
}

function NodeProperties({ nodeId, commit }: { nodeId: string; commit: Commit }) {
  const node = useWorkflowStore((s) => s.doc?.nodes.find((n) => n.id === nodeId));
  const edges = useWorkflowStore((s) => s.doc?.edges);
  const validation = useWorkflowStore((s) => s.validation);
  const spec = useRegistryStore((s) => (node ? s.specs[node.type] : undefined));
  const fields = useMemo(() => fieldsFromSchema(spec?.paramsSchema), [spec]);
  const rules = useMemo(() => visibilityRules(spec?.paramsSchema), [spec]);
  const { params, pending, setParam, flush } = usePropertiesDraft(nodeId, node?.params, commit);
  const model = useConnectedModel(nodeId);

  const schemas = validation?.schemas;
  const hasInputs = (spec?.inputs.length ?? 0) > 0;
  const columnsFor = useCallback<ColumnsFor>(
    (port) =>
      hasInputs
        ? inputColumns(nodeId, edges ?? [], schemas ?? [], port)
        : // A source has no input: offer the columns it is inferred to read, never flag one.
          { columns: outputColumns(nodeId, schemas ?? []), known: false },
    [edges, hasInputs, nodeId, schemas],
  );

  if (!node) return null;
  const issues = issuesOfNode(validation, nodeId);
  const flagged = new Set(issues.flatMap((i) => (i.param ? [i.param] : [])));
  const hidden = hiddenFields(spec?.paramsSchema, params, flagged, rules);
  const shown = fields.filter((f) => !hidden.has(f.name));
  const fieldNames = new Set(shown.map((f) => f.name));
  const otherIssues = issues.filter((i) => !i.param || !fieldNames.has(i.param));
  const number = (name: string) => {
    const value = effectiveValue(spec?.paramsSchema, params, name);
    return typeof value === "number" ? value : null;
  };
  const searchSpaceOf = (name: string): SearchSpaceSetting | null => {
    const space = searchSpaceParam(spec?.paramsSchema, name);
    if (!space) return null;
    return { ...space, ...model, nIter: number("n_iter"), nSplits: number("n_splits") };
  };

  function commitLabel(label: string) {
    const current = useWorkflowStore.getState().doc?.nodes.find((n) => n.id === nodeId);
    if (current && label !== current.label) commit([{ op: "set_label", node_id: nodeId, label }]);
  }

  return (
    <div className="properties-body">
      <label className="field">
        <span className="field-title">Label</span>
        <input
          key={node.label}
          defaultValue={node.label}
          onBlur={(e) => commitLabel(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && commitLabel(e.currentTarget.value)}
        />
      </label>
      <p className="muted small">
        {spec?.displayName ?? node.type} · <code>{nodeId}</code>{" "}
        <LearnMoreButton typeId={node.type} name={spec?.displayName} />
      </p>
      <NodeRunStatus
        nodeId={nodeId}
        deterministic={spec?.deterministic ?? true}
        beforeRun={flush}
      />
      {fields.length === 0 && <p className="muted small">This node has no parameters.</p>}
      {shown.map((field) => (
        <ParamField
          key={field.name}
          field={field}
          value={params[field.name]}
          issues={issues.filter((i) => i.param === field.name)}
          pending={pending}
          columnsFor={columnsFor}
          searchSpace={searchSpaceOf(field.name)}
          onValue={(value) => setParam(field.name, value)}
        />
      ))}
      {hidden.size > 0 && (
        <p className="muted small fields-hidden">
          {hidden.size === 1 ? "1 parameter does" : `${hidden.size} parameters do`} not apply to
          these settings and {hidden.size === 1 ? "is" : "are"} hidden.
        </p>
      )}
      <section className="issues" aria-label="Validation issues">
        <h3>Issues</h3>
        {issues.length === 0 ? (
          <p className="muted small">{validation ? "No issues." : "Not validated yet."}</p>
        ) : (
          <>
            {otherIssues.length < issues.length && (
              <p className="muted small">
                {issues.length - otherIssues.length} shown with the parameters above.
              </p>
            )}
            {otherIssues.length > 0 && (
              <ul>
                {otherIssues.map((issue, i) => (
                  <li key={`${issue.code}-${i}`} className={`issue issue-${issue.severity}`}>
                    <strong>{issue.severity}</strong> {issue.message}
                    {issue.hint && <div className="muted small">{issue.hint}</div>}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </div>
  );
}

/**
 * The model node connected to a tuning node's `model` input: its hyperparameters (its params
 * JSON schema) and title; none when the input is free or fed by something other than a model.
 */
function useConnectedModel(nodeId: string): Pick<SearchSpaceSetting, "hyperparams" | "modelLabel"> {
  const source = useWorkflowStore((s) => {
    const edge = s.doc?.edges.find((e) => e.target === nodeId && e.target_port === "model");
    return edge ? s.doc?.nodes.find((n) => n.id === edge.source) : undefined;
  });
  const sourceSpec = useRegistryStore((s) => (source ? s.specs[source.type] : undefined));
  return useMemo(() => {
    if (!source || sourceSpec?.category !== "models") return { hyperparams: [], modelLabel: null };
    return {
      hyperparams: hyperparameters(sourceSpec.paramsSchema, source.params),
      modelLabel: source.label || sourceSpec.displayName,
    };
  }, [source, sourceSpec]);
}
