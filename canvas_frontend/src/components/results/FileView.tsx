/** A file result (name, media type, size, download) and a model result (not previewable). */

import { modelFacts } from "../../graph/resultsView";
import { memo } from "react";
import type { FilePreview } from "../../api/outputsApi";
import { formatBytes } from "../../graph/gridFormat";

export const FileView = memo(function FileView({
  file,
  onDownload,
}: {
  file: FilePreview;
  onDownload: () => void;
}) {
  return (
    <div className="file-view">
      <div className="file-icon" aria-hidden="true">
        {file.name.split(".").pop()?.slice(0, 4).toUpperCase() || "FILE"}
      </div>
      <dl className="file-facts">
        <div>
          <dt>Name</dt>
          <dd>{file.name}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{file.mediaType}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(file.sizeBytes)}</dd>
        </div>
      </dl>
      {file.downloadUrl && (
        <button type="button" className="primary" onClick={onDownload}>
          Download
        </button>
      )}
    </div>
  );
});

export const ModelView = memo(function ModelView({ value }: { value: unknown }) {
  const facts = modelFacts(value);
  const summary =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const bytes = typeof summary.bytes === "number" ? formatBytes(summary.bytes) : null;
  return (
    <div className="file-view">
      <div className="file-icon model" aria-hidden="true">
        ML
      </div>
      <div>
        <p className="results-note">
          <strong>Fitted model</strong>: connect it to Predict, an evaluation node or Export model
          to use it.
        </p>
        <dl className="file-facts">
          {facts.map(([label, text]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{text}</dd>
            </div>
          ))}
          {bytes && (
            <div>
              <dt>Size</dt>
              <dd>{bytes}</dd>
            </div>
          )}
        </dl>
      </div>
    </div>
  );
});
