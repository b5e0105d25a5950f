/**
 * The ways to the Dagster UI: the API serves it at /dagster/ behind its own sign-in
 * (graphql_api/dagster_proxy.py), so a plain link opening it in a new tab is enough. Every
 * workflow is an asset group there, named by the workflow's slug; a node's asset and a run have
 * pages of their own (addresses in graph/statusWords.ts).
 */

import { memo, type ReactNode } from "react";
import { DAGSTER_PATH, dagsterAssetUrl, dagsterRunUrl } from "../graph/statusWords";

export { DAGSTER_PATH };

const TITLE =
  "Open the Dagster UI in a new tab: lineage of every workflow's assets (one asset group per " +
  "workflow), runs with their logs, and materializations";

function ExternalLink({
  href,
  title,
  className,
  children,
}: {
  href: string;
  title: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <a className={className} href={href} target="_blank" rel="noopener" title={title}>
      {children}
      <span aria-hidden> ↗</span>
    </a>
  );
}

export const DagsterLink = memo(function DagsterLink() {
  return (
    <ExternalLink className="toolbar-link" href={DAGSTER_PATH} title={TITLE}>
      Dagster
    </ExternalLink>
  );
});

/** A run's page in the Dagster UI: its steps, logs and materializations. */
export function DagsterRunLink({ runId, children }: { runId: string; children: ReactNode }) {
  return (
    <ExternalLink
      className="dagster-link"
      href={dagsterRunUrl(runId)}
      title={`Open run ${runId} in the Dagster UI (new tab): its steps, logs and materializations`}
    >
      {children}
    </ExternalLink>
  );
}

/** A node's asset in the Dagster UI: its materializations, lineage and metadata. */
export function DagsterAssetLink({ assetKey }: { assetKey: readonly string[] }) {
  return (
    <ExternalLink
      className="dagster-link"
      href={dagsterAssetUrl(assetKey)}
      title={`Open the asset ${assetKey.join("/")} in the Dagster UI (new tab): its materializations, lineage and metadata`}
    >
      Asset in Dagster
    </ExternalLink>
  );
}
