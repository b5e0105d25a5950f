/**
 * The way to the Dagster UI: the API serves it at /dagster/ behind its own sign-in
 * (graphql_api/dagster_proxy.py), so a plain link opening it in a new tab is enough. Every
 * workflow is an asset group there, named by the workflow's slug.
 */

import { memo } from "react";

export const DAGSTER_PATH = "/dagster/";

const TITLE =
  "Open the Dagster UI in a new tab: lineage of every workflow's assets (one asset group per " +
  "workflow), runs with their logs, and materializations";

export const DagsterLink = memo(function DagsterLink() {
  return (
    <a className="toolbar-link" href={DAGSTER_PATH} target="_blank" rel="noopener" title={TITLE}>
      Dagster
      <span aria-hidden> ↗</span>
    </a>
  );
});
