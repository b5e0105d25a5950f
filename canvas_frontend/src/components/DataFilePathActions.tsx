/**
 * Under a file source's `path` param (CSV, Parquet, Excel, JSON): "Upload…" (UploadButton.tsx)
 * and "Browse…" (FileBrowser.tsx). Either ends in one update_params op on the node, one undo
 * step, that sets the path of the chosen file and the options the server found it needs (a
 * tab delimiter, JSON Lines), leaving the node's other params as they were. A file another
 * node type reads is refused with the way to add that node (graph/dataFiles.ts).
 *
 * ParamField renders it for every field; it draws nothing unless the field is the `path` of a
 * file source, the node the properties panel shows (the single selected node).
 */

import { useCallback, useState } from "react";
import { acceptFor, folderOf, isFileSourceType, paramsForFile } from "../graph/dataFiles";
import { fieldsFromSchema, type FieldDescriptor } from "../graph/paramsForm";
import { singleSelectedId } from "../graph/selection";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { FileBrowser, type ChosenFile } from "./FileBrowser";
import { UploadButton } from "./UploadButton";
import { useGraphCommit } from "./useGraphCommit";
import "./files.css";

export function DataFilePathActions({ field }: { field: FieldDescriptor }) {
  // Other fields subscribe to nothing: the selection selector walks every node on each change.
  return field.name === "path" ? <SelectedFileSource /> : null;
}

function SelectedFileSource() {
  const nodeId = useWorkflowStore((s) => singleSelectedId(s.nodes));
  const nodeType = useWorkflowStore((s) =>
    nodeId ? s.doc?.nodes.find((n) => n.id === nodeId)?.type : undefined,
  );
  if (!nodeId || !nodeType || !isFileSourceType(nodeType)) return null;
  return <PathActions nodeId={nodeId} nodeType={nodeType} />;
}

function PathActions({ nodeId, nodeType }: { nodeId: string; nodeType: string }) {
  const { commit } = useGraphCommit();
  const [browsing, setBrowsing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = useWorkflowStore((s) => s.doc?.nodes.find((n) => n.id === nodeId)?.params.path);

  /** Set the chosen file on the node as one edit; false (and why, on screen) when it cannot. */
  const applyFile = useCallback(
    (file: ChosenFile): boolean => {
      const node = useWorkflowStore.getState().doc?.nodes.find((n) => n.id === nodeId);
      if (!node) return false;
      const spec = useRegistryStore.getState().specs[node.type];
      const names = fieldsFromSchema(spec?.paramsSchema).map((f) => f.name);
      const result = paramsForFile(node, file, names);
      if (!result.ok) {
        setError(result.message);
        return false;
      }
      setError(null);
      return commit([{ op: "update_params", node_id: nodeId, params: result.params }]);
    },
    [commit, nodeId],
  );

  return (
    <div className="data-file-actions">
      <div className="data-file-buttons">
        <UploadButton
          accept={acceptFor(nodeType)}
          onUploaded={(file) =>
            applyFile({
              name: file.originalName || file.name,
              sourceType: file.sourceType,
              sourceParams: file.sourceParams,
            })
          }
        />
        <button
          type="button"
          title="Choose a file in the data folders"
          onClick={() => {
            setError(null);
            setBrowsing(true);
          }}
        >
          Browse…
        </button>
      </div>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {browsing && (
        <FileBrowser
          initialFolder={folderOf(path)}
          sourceType={nodeType}
          onUse={(file) => {
            if (applyFile(file)) setBrowsing(false);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}
