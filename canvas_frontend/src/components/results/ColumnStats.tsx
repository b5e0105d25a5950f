/**
 * Column stats drawn from the API's summary: the mini chart under a header (histogram bars for
 * numbers, the share of the most frequent value for text) and the full popover (counts, numbers'
 * stats, the histogram and the most frequent values).
 */

import { memo } from "react";
import type { ColumnStats } from "../../api/outputsApi";
import { histogramBars, statLines, topValueShares } from "../../graph/resultsStats";

export const MiniChart = memo(function MiniChart({
  column,
  storedRows,
}: {
  column: ColumnStats;
  storedRows: number;
}) {
  if (column.histogram.length > 0) {
    return (
      <span className="mini-hist" aria-hidden="true">
        {histogramBars(column.histogram).map((bar, i) => (
          <span key={i} className="mini-bar" style={{ height: `${bar.height * 100}%` }} />
        ))}
      </span>
    );
  }
  const top = topValueShares(column, storedRows)[0];
  if (top) {
    return (
      <span className="mini-share" aria-hidden="true">
        <span className="mini-share-fill" style={{ width: `${top.share * 100}%` }} />
      </span>
    );
  }
  return <span className="mini-empty" aria-hidden="true" />;
});

export const StatsPopover = memo(function StatsPopover({
  column,
  storedRows,
}: {
  column: ColumnStats;
  storedRows: number;
}) {
  const bars = histogramBars(column.histogram);
  const shares = topValueShares(column, storedRows);
  return (
    <div className="stats-popover" role="tooltip">
      <div className="stats-title">
        <strong>{column.name}</strong>
        <span className={`dtype-chip dtype-${column.dtype}`}>{column.dtype}</span>
      </div>
      <dl className="stats-lines">
        {statLines(column, storedRows)
          .filter((line) => line.label !== "Type")
          .map((line) => (
            <div key={line.label}>
              <dt>{line.label}</dt>
              <dd>{line.value}</dd>
            </div>
          ))}
      </dl>
      {bars.length > 0 && (
        <div className="stats-hist" aria-label="Histogram">
          {bars.map((bar, i) => (
            <span key={i} className="stats-bar" title={bar.label}>
              <span style={{ height: `${bar.height * 100}%` }} />
            </span>
          ))}
        </div>
      )}
      {shares.length > 0 && (
        <div className="stats-top">
          <div className="stats-subtitle">Most frequent</div>
          {shares.map((s) => (
            <div key={s.value} className="stats-top-row" title={s.value}>
              <span className="stats-top-value">{s.value}</span>
              <span className="stats-top-bar">
                <span style={{ width: `${s.share * 100}%` }} />
              </span>
              <span className="stats-top-count">{s.label}</span>
            </div>
          ))}
        </div>
      )}
      <div className="stats-note">Over all stored rows, before any filter.</div>
    </div>
  );
});
