/**
 * What the button that runs the rest of a stopped run says (pure). After a failure it is
 * "Re-execute from failure"; after the user cancelled, nothing failed, so it says "Resume". Both
 * do the same thing (reexecuteRun: the failed and unrun nodes run again, reusing the results of
 * those that succeeded); null when the run's status offers neither.
 */

export interface ReexecuteAction {
  label: string;
  title: string;
}

export function reexecuteAction(status: string | null): ReexecuteAction | null {
  switch (status) {
    case "FAILURE":
      return {
        label: "Re-execute from failure",
        title:
          "Run the failed and unrun nodes of the last run again, reusing the results of those " +
          "that succeeded",
      };
    case "CANCELED":
      return {
        label: "Resume",
        title:
          "Run the nodes the cancelled run did not finish, reusing the results of those that " +
          "succeeded",
      };
    default:
      return null;
  }
}
