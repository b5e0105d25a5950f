/**
 * The secret picker of the properties form: a param that holds the NAME of a server secret
 * (`x-secret-name`, e.g. the REST source's auth_secret and the values of its secret_headers) is
 * typed or picked from the names set on the server (useSecretNames), in the same combobox as the
 * column pickers. A name the server does not have is flagged underneath with the variable to set
 * (graph/paramsForm.ts `checkSecretName`) until the server's own issue about the field shows
 * there. It is a name, so a plain text box, never a password box.
 */

import { memo, useMemo } from "react";
import { useSecretNames } from "../api/nodeTypesApi";
import { checkSecretName, secretCheckMessage, type ColumnInfo } from "../graph/paramsForm";
import { ColumnCombobox } from "./ColumnPicker";
import "./properties.css";

const NO_ISSUES: readonly { code: string }[] = [];

export const SecretNamePicker = memo(function SecretNamePicker({
  id,
  value,
  issues = NO_ISSUES,
  pending = false,
  onChange,
}: {
  id: string;
  value: string;
  /** The server's issues about this field (a row's cell has none of its own). */
  issues?: readonly { code: string }[];
  pending?: boolean;
  onChange: (name: string) => void;
}) {
  const names = useSecretNames();
  const options = useMemo<ColumnInfo[]>(
    () => (names ?? []).map((name) => ({ name, dtype: "" })),
    [names],
  );
  const check = checkSecretName(value, names);
  const message = secretCheckMessage(check, issues, pending);
  return (
    <div className="secret-picker">
      <ColumnCombobox
        id={id}
        value={value}
        columns={options}
        known={names !== null}
        placeholder={options.length > 0 ? "Pick a secret" : "Secret name"}
        onChange={onChange}
        onPick={onChange}
      />
      {message && (
        <div className={`secret-status secret-${check.state}`} role="status">
          {message}
        </div>
      )}
    </div>
  );
});
