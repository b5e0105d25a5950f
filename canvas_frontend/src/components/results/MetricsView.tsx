/**
 * A metrics result as tables: name and value for flat metrics, one table per group of records
 * (a classification report), a grid for a matrix, sub-tables for nested groups and pretty JSON
 * for the rest (layout decided in graph/resultsMetrics.ts).
 */

import { memo } from "react";
import { metricEntries, type MetricEntry } from "../../graph/resultsMetrics";

function EntryRow({ entry }: { entry: MetricEntry }) {
  switch (entry.kind) {
    case "scalar":
      return (
        <tr>
          <th scope="row">{entry.name}</th>
          <td className={entry.numeric ? "num" : entry.text === "null" ? "cell-null" : ""}>
            {entry.text}
          </td>
        </tr>
      );
    case "list":
      return (
        <tr>
          <th scope="row">{entry.name}</th>
          <td className="num">{entry.text}</td>
        </tr>
      );
    case "json":
      return (
        <tr>
          <th scope="row">{entry.name}</th>
          <td>
            <pre className="metrics-json">{entry.text}</pre>
          </td>
        </tr>
      );
    default:
      return (
        <tr>
          <th scope="row">{entry.name}</th>
          <td>
            <Nested entry={entry} />
          </td>
        </tr>
      );
  }
}

function Nested({ entry }: { entry: MetricEntry }) {
  if (entry.kind === "group") {
    return (
      <table className="metrics-table nested">
        <tbody>
          {entry.entries.map((e) => (
            <EntryRow key={e.name} entry={e} />
          ))}
        </tbody>
      </table>
    );
  }
  if (entry.kind === "records") {
    return (
      <table className="metrics-table records">
        <thead>
          <tr>
            <th />
            {entry.columns.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entry.rows.map((row) => (
            <tr key={row.name}>
              <th scope="row">{row.name}</th>
              {row.cells.map((cell, i) => (
                <td key={i} className="num">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (entry.kind === "matrix") {
    return (
      <table className="metrics-table matrix">
        <tbody>
          {entry.cells.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c} className="num">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return null;
}

export const MetricsView = memo(function MetricsView({ values }: { values: unknown }) {
  const entries = metricEntries(values);
  if (entries.length === 0) return <p className="results-note">No metrics.</p>;
  const [only] = entries;
  if (entries.length === 1 && only?.kind === "records" && only.name === "") {
    return (
      <div className="metrics-view">
        <Nested entry={only} />
      </div>
    );
  }
  return (
    <div className="metrics-view">
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <EntryRow key={entry.name} entry={entry} />
          ))}
        </tbody>
      </table>
    </div>
  );
});
